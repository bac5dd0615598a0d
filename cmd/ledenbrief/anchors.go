package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"ledenbrief/internal/build"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
)

// runAnchors maintains the anchor lock: "lock" adds the anchors of the
// current content to content/anchors.lock, "check" lists the locked
// anchors the content no longer provides.
func runAnchors(args []string, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "lock" && args[0] != "check") {
		fmt.Fprintln(stderr, "ledenbrief anchors: say lock (add the current anchors to the lock) or check (list locked anchors that are gone)")
		return 2
	}
	sub := args[0]
	fs := flag.NewFlagSet("anchors "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	contentDir := fs.String("content", "content", "content `folder`")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ledenbrief anchors %s: unexpected argument %q\n", sub, fs.Arg(0))
		return 2
	}
	diags := &diag.List{}
	s, err := build.Index(build.Options{Content: *contentDir}, diags)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if diags.Len() > 0 {
		diags.Print(stderr)
		fmt.Fprintf(stderr, "ledenbrief: %v; fix them first, the lock is unchanged\n", diags.Error())
		return 1
	}
	lost := &diag.List{}
	s.CheckLock(lost)
	keys := s.PublishedKeys()
	lockPath := filepath.Join(*contentDir, content.LockFile)
	if sub == "lock" {
		file, added := s.Lock.Merge(keys)
		if err := writeAtomic(lockPath, file); err != nil {
			fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "ledenbrief: %s locks %d anchors, %d of them new\n", lockPath, s.Lock.Len()+added, added)
	}
	if n := lost.Len(); n > 0 {
		lost.Print(stderr)
		fmt.Fprintf(stderr, "ledenbrief: %d locked anchors are gone; links to them would break (a build fails until they are restored or aliased)\n", n)
		return 1
	}
	if sub == "check" {
		unlocked := 0
		for _, k := range keys {
			if !s.Lock.Has(k) {
				unlocked++
			}
		}
		fmt.Fprintf(stderr, "ledenbrief: all %d locked anchors are there", s.Lock.Len())
		if unlocked > 0 {
			fmt.Fprintf(stderr, "; %d anchors are not locked yet: run 'ledenbrief anchors lock' and review the diff", unlocked)
		}
		fmt.Fprintln(stderr)
	}
	return 0
}

// writeAtomic replaces a file with data through a temporary file, so that
// an interrupted write never leaves half a file.
func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

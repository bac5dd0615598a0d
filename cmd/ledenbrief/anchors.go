package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
	fs := newFlags("anchors "+sub, stderr)
	contentDir := fs.String("content", "content", "content `folder`")
	langName := langFlag(fs)
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
	lang, ok := messageLang(*langName, "anchors", stderr)
	if !ok {
		return 2
	}
	diags := &diag.List{}
	s, err := build.Index(build.Options{Content: *contentDir}, diags)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if diags.Len() > 0 {
		diags.Print(stderr, lang)
		fmt.Fprintf(stderr, "ledenbrief: %s; fix them first, the lock is unchanged\n", diags.Summary(lang))
		return 1
	}
	lost := &diag.List{}
	s.CheckLock(lost)
	keys := s.PublishedKeys()
	lockPath := filepath.Join(*contentDir, content.LockFile)
	if sub == "lock" {
		added, err := s.Lock.WriteMerged(lockPath, keys)
		if err != nil {
			fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "ledenbrief: %s locks %d anchors, %d of them new\n", lockPath, s.Lock.Len()+added, added)
	}
	if n := lost.Len(); n > 0 {
		lost.Print(stderr, lang)
		fmt.Fprintf(stderr, "ledenbrief: %d locked anchors are gone; links to them would break (a build fails until they are restored or aliased)\n", n)
		return 1
	}
	if sub == "check" {
		unlocked := len(s.Lock.Unlocked(keys))
		fmt.Fprintf(stderr, "ledenbrief: all %d locked anchors are there", s.Lock.Len())
		if unlocked > 0 {
			fmt.Fprintf(stderr, "; %d published anchors are not locked yet: the next ledenbrief build adds them (build --locked fails)", unlocked)
		}
		fmt.Fprintln(stderr)
	}
	return 0
}

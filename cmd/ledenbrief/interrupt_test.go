package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"ledenbrief/internal/corpus"
)

// TestInterruptLeavesNothing interrupts builds of 300 letters with SIGINT
// and SIGTERM: the command exits 130 or 143, the previous output is
// unchanged and no temporary folder is left.
func TestInterruptLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 300 letters")
	}
	dir := t.TempDir()
	content, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	if err := corpus.Write(content, 300); err != nil {
		t.Fatal(err)
	}
	ledenbrief := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "LEDENBRIEF_RUN_MAIN=1")
		return cmd
	}
	if msg, err := ledenbrief("build", "--content", content, "--out", out).CombinedOutput(); err != nil {
		t.Fatalf("first build: %v\n%s", err, msg)
	}
	// The same content builds the same bytes, so whether the output was
	// replaced shows in the folder's identity, not in its files.
	inode := func() uint64 {
		var st syscall.Stat_t
		if err := syscall.Stat(out, &st); err != nil {
			t.Fatal(err)
		}
		return st.Ino
	}
	before := inode()
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		// Without the cache, which the first build filled and which makes
		// a build of the same content take a fraction of a second.
		cmd := ledenbrief("build", "--content", content, "--out", out, "--no-cache")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // well into the build, which takes seconds
		cmd.Process.Signal(c.sig)
		err := cmd.Wait()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != c.code {
			t.Errorf("%v: exit %v, want %d\n%s", c.sig, err, c.code, stderr.String())
		}
		if !bytes.Contains(stderr.Bytes(), []byte("interrupted; nothing was written")) {
			t.Errorf("%v: stderr %q", c.sig, stderr.String())
		}
		if inode() != before {
			t.Errorf("%v: the previous output was replaced", c.sig)
		}
		if left, _ := filepath.Glob(filepath.Join(dir, ".public.tmp-*")); len(left) > 0 {
			t.Errorf("%v: left behind %v", c.sig, left)
		}
	}
}

package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ledenbrief/internal/corpus"
)

// TestPreviewKeepsItsFolder starts the preview of one content folder
// twice, on one build cache, the second time on a port the system picks:
// it builds into a folder of the cache, and the second start takes every
// letter from the cache and links their unchanged pages from the first
// start's output instead of writing them again. The preview's pages do
// not depend on the port it is served on.
func TestPreviewKeepsItsFolder(t *testing.T) {
	dir := t.TempDir()
	content, cacheDir := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	if err := corpus.Write(content, 12); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := ln.Addr().String()
	ln.Close()
	serve := func(addr string) (stop func() string) {
		cmd := exec.Command(os.Args[0], "serve", "--content", content, "--cache", cacheDir, "--addr", addr)
		cmd.Env = append(os.Environ(), "LEDENBRIEF_RUN_MAIN=1")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var log strings.Builder
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			log.WriteString(lines.Text() + "\n")
			if _, after, ok := strings.Cut(lines.Text(), "serving the preview on "); ok {
				url, _, _ := strings.Cut(after, " ")
				resp, err := http.Get(url)
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("the preview at %s answered %v, %v", url, resp, err)
				} else {
					resp.Body.Close()
				}
				break
			}
		}
		return func() string {
			cmd.Process.Signal(syscall.SIGINT)
			done := make(chan []byte, 1)
			go func() {
				rest, _ := io.ReadAll(stderr)
				cmd.Wait()
				done <- rest
			}()
			select {
			case rest := <-done:
				return log.String() + string(rest)
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Error("the preview did not stop on an interrupt")
				return log.String() + string(<-done)
			}
		}
	}
	page := func() (string, uint64) {
		pages, _ := filepath.Glob(filepath.Join(cacheDir, "preview-*", "public", "*", "index.html"))
		if len(pages) == 0 {
			t.Fatal("no preview folder in the build cache holds a letter's page")
		}
		var st syscall.Stat_t
		if err := syscall.Stat(pages[0], &st); err != nil {
			t.Fatal(err)
		}
		return pages[0], st.Ino
	}

	stop := serve(free)
	log := stop()
	if !strings.Contains(log, "letters from the build cache: 0, built: 12") {
		t.Errorf("the first start:\n%s", log)
	}
	first, inode := page()

	log = serve("127.0.0.1:0")()
	if !strings.Contains(log, "letters from the build cache: 12, built: 0") {
		t.Errorf("the second start did not take the letters from the cache:\n%s", log)
	}
	if folders, _ := filepath.Glob(filepath.Join(cacheDir, "preview-*")); len(folders) != 1 {
		t.Errorf("preview folders in the cache: %v, want one", folders)
	}
	if again, inode2 := page(); again != first || inode2 != inode {
		t.Errorf("the second start wrote %s again (inode %d, was %d), instead of linking the unchanged page", again, inode2, inode)
	}
}

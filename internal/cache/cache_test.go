package cache

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestEntriesAreCheckedWhenRead(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenVersion(dir, sha256.Sum256([]byte("one")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Bucket("letters")
	if err != nil {
		t.Fatal(err)
	}
	key := sha256.Sum256([]byte("21-082"))
	if _, ok := b.Get(key); ok {
		t.Fatal("an empty cache has an entry")
	}
	payload := []byte("the pages of Lbr. 21/082")
	if err := b.Put(key, payload); err != nil {
		t.Fatal(err)
	}
	if got, ok := b.Get(key); !ok || !bytes.Equal(got, payload) {
		t.Fatalf("read back %q, %t", got, ok)
	}
	other, _ := OpenVersion(dir, sha256.Sum256([]byte("two")))
	ob, _ := other.Bucket("letters")
	if _, ok := ob.Get(key); ok {
		t.Error("another version's entry was used")
	}
	// The other version removed it as foreign: made again, then damaged.
	b.Put(key, payload)
	file := b.path(key)
	data, _ := os.ReadFile(file)
	data[len(data)-1] ^= 1
	os.WriteFile(file, data, 0o644)
	if _, ok := b.Get(key); ok {
		t.Error("a damaged entry was used")
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a damaged entry was kept")
	}
}

func TestPruneKeepsWhatABuildUsed(t *testing.T) {
	dir := t.TempDir()
	c, _ := OpenVersion(dir, sha256.Sum256([]byte("one")))
	b, _ := c.Bucket("letters")
	old, used := sha256.Sum256([]byte("old")), sha256.Sum256([]byte("used"))
	b.Put(old, []byte("x"))
	b.Put(used, []byte("y"))
	past := time.Now().Add(-time.Hour)
	os.Chtimes(b.path(old), past, past)
	os.Chtimes(b.path(used), past, past)
	start := time.Now().Add(-time.Minute)
	b.Get(used)
	if err := b.Prune(start); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Get(used); !ok {
		t.Error("Prune removed the entry the build read")
	}
	if _, err := os.Stat(b.path(old)); err == nil {
		t.Error("Prune kept the entry no build used")
	}
	idle, _ := c.Bucket("idle")
	os.Chtimes(filepath.Join(idle.dir, usedFile), past, past)
	if err := c.PruneIdle(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(idle.dir); err == nil {
		t.Error("PruneIdle kept a bucket idle for an hour")
	}
	if _, err := os.Stat(b.dir); err != nil {
		t.Error("PruneIdle removed a bucket in use")
	}
}

// TestClaimedFolders holds a claimed folder to one holder at a time, and
// lets PruneIdle remove it only when no one claimed it for a while.
func TestClaimedFolders(t *testing.T) {
	c, err := OpenVersion(t.TempDir(), sha256.Sum256([]byte("one")))
	if err != nil {
		t.Fatal(err)
	}
	dir, release, err := c.Claim("preview-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte("<p>kept</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Claim("preview-1"); !errors.Is(err, ErrBusy) {
		t.Errorf("a second claim while the first holds the folder: %v, want ErrBusy", err)
	}
	release()
	again, release, err := c.Claim("preview-1")
	if err != nil || again != dir {
		t.Fatalf("claimed again after the release: %q, %v", again, err)
	}
	release()
	if err := c.PruneIdle(time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "page.html")); err != nil {
		t.Errorf("a folder claimed a moment ago was pruned: %v", err)
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(filepath.Join(dir, usedFile), old, old)
	if err := c.PruneIdle(time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a folder no one claimed for two hours was kept: %v", err)
	}
}

package corpus

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestSameSizeSameBytes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := Write(a, 3); err != nil {
		t.Fatal(err)
	}
	if err := Write(b, 3); err != nil {
		t.Fatal(err)
	}
	n := 0
	filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", rel)
		}
		n++
		return nil
	})
	if n != 2+Guides+3*7 {
		t.Errorf("wrote %d files, want %d", n, 2+Guides+3*7)
	}
}

func TestLetterSizeLikeTheRealOne(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, 1); err != nil {
		t.Fatal(err)
	}
	size := 0
	filepath.WalkDir(filepath.Join(dir, "brieven"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			size += len(data)
		}
		return err
	})
	if size < 22000 || size > 32000 {
		t.Errorf("a letter with its annex is %d bytes, want about 27 KB", size)
	}
}

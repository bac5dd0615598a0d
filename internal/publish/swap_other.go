//go:build !linux

package publish

import (
	"errors"
	"os"
)

// errNoExchange says the file system cannot exchange two folders atomically.
var errNoExchange = errors.New("atomic exchange not supported")

// exchange is not available here: Commit moves the old site aside first.
func exchange(a, b string) error { return errNoExchange }

// mountPoint cannot be told here; folders are renamed.
func mountPoint(dir string) bool { return false }

// running cannot be told portably; a leftover is kept.
func running(pid int) bool {
	_, err := os.FindProcess(pid)
	return err == nil
}

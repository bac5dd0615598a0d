package publish

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// errNoExchange says the file system cannot exchange two folders atomically.
var errNoExchange = errors.New("atomic exchange not supported")

// exchange swaps two paths in one step (renameat2 with RENAME_EXCHANGE).
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) {
		return errNoExchange
	}
	return err
}

// mountPoint reports whether dir is on another device than its parent.
func mountPoint(dir string) bool {
	var a, b syscall.Stat_t
	if syscall.Stat(dir, &a) != nil || syscall.Stat(dir+"/..", &b) != nil {
		return false
	}
	return a.Dev != b.Dev
}

// running reports whether a process with this id exists.
func running(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

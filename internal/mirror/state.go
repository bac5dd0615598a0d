package mirror

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ledenbrief/internal/filelock"
)

// beside is the path of a file that belongs to the copy in dir but is
// kept out of the served tree: in dir's parent, named after it.
func beside(dir, what string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".mirror-"+what)
}

// State is what a mirror remembers of its last successful run, beside
// the copy (never in it, so a web server does not serve it): where the
// site came from, when, and which publication it was, so that an older
// one is refused.
type State struct {
	Source  string `json:"source"`
	Synced  string `json:"synced"` // RFC 3339, UTC
	Serial  int64  `json:"serial,omitempty"`
	Built   string `json:"built,omitempty"`
	Expires string `json:"expires,omitempty"`
	Version string `json:"version"`
	Files   int    `json:"files"`
	// Key is the public key (manifest.EncodeKey) the copy was last
	// accepted under, when the site rotated to it from the key the
	// mirror was given: from then on only it is trusted.
	Key string `json:"key,omitempty"`
}

// ReadState returns the state of the copy in dir; nil without error when
// no run has succeeded yet.
func ReadState(dir string) (*State, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(beside(dir, "state.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", beside(dir, "state.json"), err)
	}
	return &s, nil
}

// write records the state, replacing the previous one in one rename.
func (s *State) write(dir string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	p := beside(dir, "state.json")
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// ErrBusy is the error of a run that found another run on the same copy
// and did not wait (long enough) for it to end.
var ErrBusy = errors.New("another mirror run is updating this copy")

// lock takes the lock of the copy in dir, waiting at most wait for
// another run to end, and returns the function that releases it.
func lock(dir string, wait time.Duration) (func(), error) {
	p := beside(dir, "lock")
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		busy, err := filelock.TryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", p, err)
		}
		if !busy {
			return func() { f.Close() }, nil
		}
		if !time.Now().Before(deadline) {
			f.Close()
			how := "it did not wait"
			if wait > 0 {
				how = "waited " + wait.String()
			}
			return nil, fmt.Errorf("%w (%s, lock %s; %s: --wait sets how long to wait)", ErrBusy, dir, p, how)
		}
		time.Sleep(min(200*time.Millisecond, time.Until(deadline)+time.Millisecond))
	}
}

// describeEntries names what a folder holds, at most five entries.
func describeEntries(names []string) string {
	if len(names) <= 5 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:5], ", "), len(names)-5)
}

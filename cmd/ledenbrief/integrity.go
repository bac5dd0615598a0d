package main

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"ledenbrief/internal/manifest"
	"ledenbrief/internal/mirror"
)

func runKeygen(args []string, stderr io.Writer) int {
	fs := newFlags("keygen", stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: "+synopsis("keygen"))
		return 2
	}
	name := fs.Arg(0)
	if _, err := os.Lstat(name); err == nil {
		fmt.Fprintf(stderr, "ledenbrief keygen: %s exists; not overwriting a key\n", name)
		return 1
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		fmt.Fprintf(stderr, "ledenbrief keygen: %v\n", err)
		return 1
	}
	ignored, err := keepOutOfGit(name)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief keygen: %v; the key was not written\n", err)
		return 1
	}
	if err := manifest.GenerateKey(name); err != nil {
		fmt.Fprintf(stderr, "ledenbrief keygen: %v\n", err)
		return 1
	}
	if ignored != "" {
		fmt.Fprintf(stderr, "ledenbrief: %s is inside a git work tree: added %q to %s, so that the private key is never committed\n", name, ignored, filepath.Join(gitWorkTree(name), ".gitignore"))
	}
	fmt.Fprintf(stderr, "ledenbrief: wrote the private key %s (keep it secret) and the public key %s.pub (give it to mirrors)\n", name, name)
	return 0
}

// keepOutOfGit makes sure a private key about to be written at name is
// never committed: when name is inside a git work tree and git does not
// ignore it yet, it adds the key's path to the work tree's .gitignore and
// returns the line it added ("" when nothing was needed).
func keepOutOfGit(name string) (string, error) {
	root := gitWorkTree(name)
	if root == "" {
		return "", nil
	}
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return "", err
	}
	line := "/" + filepath.ToSlash(rel)
	if git, err := exec.LookPath("git"); err == nil {
		// git check-ignore answers 0 when the path is ignored, 1 when not.
		if exec.Command(git, "-C", root, "check-ignore", "-q", "--no-index", rel).Run() == nil {
			return "", nil
		}
	}
	ignoreFile := filepath.Join(root, ".gitignore")
	old, err := os.ReadFile(ignoreFile)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	for _, l := range strings.Split(string(old), "\n") {
		if strings.TrimSpace(l) == line {
			return "", nil
		}
	}
	text := string(old)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	text += "# the private key that signs the site (ledenbrief keygen): never commit it\n" + line + "\n"
	if err := os.WriteFile(ignoreFile, []byte(text), 0o644); err != nil {
		return "", fmt.Errorf("%s is inside a git work tree, and adding it to %s failed: %w", name, ignoreFile, err)
	}
	return line, nil
}

// gitWorkTree returns the root of the git work tree that would hold a
// file at name (the nearest folder above it with a .git), or "".
func gitWorkTree(name string) string {
	dir, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func runVerify(args []string, stderr io.Writer) int {
	fs := newFlags("verify", stderr)
	pubkey := fs.String("pubkey", "", "public key `file` (NAME.pub from ledenbrief keygen); the signature must be valid for it")
	asJSON := fs.Bool("json", false, "print the report as JSON on stdout")
	pos, code := parseArgs(fs, args, 1, synopsis("verify"), stderr)
	if pos == nil {
		return code
	}
	where := pos[0]
	key, err := publicKey(*pubkey)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief verify: --pubkey: %v\n", err)
		return 2
	}
	src, err := manifest.Open(where)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief verify: %v\n", err)
		return 1
	}
	defer src.Close()
	rep, err := manifest.Verify(context.Background(), src, key)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief verify: %s: %v\n", where, err)
		return 1
	}
	if *asJSON {
		out := struct {
			OK        bool     `json:"ok"`
			Version   string   `json:"version"`
			Files     int      `json:"files"`
			Missing   []string `json:"missing"`
			Changed   []string `json:"changed"`
			Extra     []string `json:"extra"`
			Signature string   `json:"signature"`
			Errors    []string `json:"errors"`
			Drafts    []string `json:"drafts"`
			Serial    int64    `json:"serial"`
			Built     string   `json:"built"`
			Expires   string   `json:"expires"`
			Expired   bool     `json:"expired"`
		}{rep.OK(), rep.Manifest.Version, rep.Checked, rep.Missing, rep.Changed, rep.Extra, rep.Signature, rep.Errors, draftList(rep.Manifest),
			rep.Manifest.Serial, rep.Manifest.Built, rep.Manifest.Expires, rep.Expired}
		data, _ := json.MarshalIndent(out, "", "  ")
		os.Stdout.Write(append(data, '\n'))
	}
	for _, p := range rep.Changed {
		fmt.Fprintf(stderr, "changed: %s\n", shown(p))
	}
	for _, p := range rep.Missing {
		fmt.Fprintf(stderr, "missing: %s\n", shown(p))
	}
	for _, p := range rep.Extra {
		fmt.Fprintf(stderr, "unexpected: %s (not in the manifest; left in place)\n", shown(p))
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(stderr, "unreadable: %s\n", shown(e))
	}
	if rep.Expired {
		fmt.Fprintf(stderr, "verlopen (expired): the site's signature was valid until %s; its publisher has not renewed it, and mirrors refuse it\n", rep.Manifest.Expires)
	}
	if st, err := mirror.ReadState(where); err == nil && st != nil {
		fmt.Fprintf(stderr, "mirrored: %s from %s (serial %d)\n", st.Synced, shown(st.Source), st.Serial)
	}
	if d := draftList(rep.Manifest); len(d) > 0 {
		fmt.Fprintf(stderr, "concept: this is a concept version with %d draft letters (%s), not a publication\n", len(d), strings.Join(d, ", "))
	}
	filesOK := len(rep.Missing)+len(rep.Changed)+len(rep.Extra)+len(rep.Errors) == 0
	switch rep.Signature {
	case "invalid":
		if filesOK {
			fmt.Fprintf(stderr, "ledenbrief verify: %s: the files match its manifest, but the signature is not made with the key in %s: a different key (a rotated or wrong --pubkey), or a manifest someone else changed\n", where, *pubkey)
			return 1
		}
		fmt.Fprintf(stderr, "signature: %s is not signed by the key in %s\n", manifest.SigName, *pubkey)
	case "missing":
		if filesOK {
			fmt.Fprintf(stderr, "ledenbrief verify: %s: the files match its manifest, but it has no %s to check against %s: it was built without --sign, or the signature was removed\n", where, manifest.SigName, *pubkey)
			return 1
		}
		fmt.Fprintf(stderr, "signature: %s is missing\n", manifest.SigName)
	}
	if rep.Expired && filesOK && rep.Signature != "invalid" && rep.Signature != "missing" {
		fmt.Fprintf(stderr, "ledenbrief verify: %s is verlopen (expired since %s)\n", where, rep.Manifest.Expires)
		return 1
	}
	if !rep.OK() {
		fmt.Fprintf(stderr, "ledenbrief verify: %s differs from its manifest\n", where)
		return 1
	}
	signed := "signature not checked (no --pubkey)"
	if rep.Signature == "valid" {
		signed = "signature valid"
		if rep.RotatedTo != "" {
			signed = "signature valid, by the key " + rep.RotatedTo + " that the key in " + *pubkey + " endorsed (a rotated key)"
		}
	}
	fmt.Fprintf(stderr, "ledenbrief: %s is complete and unaltered: %d files as listed, %s; built by ledenbrief %s\n", where, rep.Checked, signed, rep.Manifest.Version)
	return 0
}

func runMirror(args []string, stderr io.Writer) int {
	if slices.Contains(args, "--status") || slices.Contains(args, "-status") {
		return mirrorStatus(args, stderr)
	}
	fs := newFlags("mirror", stderr)
	pubkey := fs.String("pubkey", "", "public key `file` (NAME.pub from ledenbrief keygen); the manifest must be signed by it")
	asJSON := fs.Bool("json", false, "print a summary as JSON on stdout")
	allowDrafts := fs.Bool("allow-drafts", false, "also copy a concept version (a build with --drafts), which is refused by default")
	force := fs.Bool("force", false, "mirror into a folder that holds files of something else, keeping them (refused by default)")
	wait := fs.Duration("wait", 0, "how long to wait for another mirror run on the same folder to end, like `10m` (default: not at all, exit 3)")
	timeout := fs.Duration("timeout", 6*time.Hour, "give up the whole run after this `long`, leaving the copy as it was")
	fs.Bool("status", false, "show when the copy in DIR was last mirrored, from where, and which publication: ledenbrief mirror --status DIR")
	pos, code := parseArgs(fs, args, 2, synopsis("mirror"), stderr)
	if pos == nil {
		return code
	}
	key, err := publicKey(*pubkey)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief mirror: --pubkey: %v\n", err)
		return 2
	}
	src, err := manifest.Open(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief mirror: %v\n", err)
		return 1
	}
	defer src.Close()
	ctx, interrupted := onInterrupt()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	res, err := mirror.Run(ctx, src, pos[1], mirror.Options{Key: key, AllowDrafts: *allowDrafts, Force: *force, Wait: *wait})
	if *asJSON && res != nil {
		data, _ := json.MarshalIndent(res, "", "  ")
		os.Stdout.Write(append(data, '\n'))
	}
	if res != nil {
		for _, p := range res.Problems {
			fmt.Fprintf(stderr, "failed: %s\n", strconv.QuoteToGraphic(p))
		}
	}
	if err != nil {
		if code := interrupted(); code != 0 {
			fmt.Fprintf(stderr, "ledenbrief mirror: interrupted; %s is unchanged\n", pos[1])
			return code
		}
		if errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(stderr, "ledenbrief mirror: gave up after --timeout %v; %s is unchanged (what arrived is kept for the next run)\n", *timeout, pos[1])
			return 1
		}
		fmt.Fprintf(stderr, "ledenbrief mirror: %v\n", err)
		if errors.Is(err, mirror.ErrBusy) {
			return 3
		}
		return 1
	}
	if res.RotatedTo != "" {
		fmt.Fprintf(stderr, "ledenbrief: the site is now signed with the key %s, which your key endorsed; from now on only that key is trusted for %s (give its .pub to --pubkey when you have it)\n", res.RotatedTo, pos[1])
	}
	if res.Changed { // quiet when nothing changed, for cron
		repaired := ""
		if res.Repaired > 0 {
			repaired = fmt.Sprintf(" (%d of them damaged in the copy, now repaired)", res.Repaired)
		}
		fmt.Fprintf(stderr, "ledenbrief: mirrored %s into %s: %d files fetched (%.1f KB)%s, %d unchanged, %d removed; %d files, signature %s\n",
			pos[0], pos[1], res.Fetched, float64(res.Bytes)/1024, repaired, res.Reused, res.Removed, res.Files, res.Signature)
	}
	return 0
}

// shown is a path or message from a copy of a site as it may be printed:
// control characters (which could clear a terminal or fake a line) are
// escaped, and the whole is quoted then.
func shown(s string) string {
	if q := strconv.QuoteToGraphic(s); q[1:len(q)-1] != s {
		return q
	}
	return s
}

// mirrorStatus prints what a mirror remembers of its last run on DIR.
func mirrorStatus(args []string, stderr io.Writer) int {
	fs := newFlags("mirror", stderr)
	fs.Bool("status", true, "show the state of the copy in DIR")
	asJSON := fs.Bool("json", false, "print the state as JSON on stdout")
	pos, code := parseArgs(fs, args, 1, synopsis("mirror"), stderr)
	if pos == nil {
		return code
	}
	st, err := mirror.ReadState(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief mirror: %v\n", err)
		return 1
	}
	if st == nil {
		fmt.Fprintf(stderr, "ledenbrief mirror: %s has not been mirrored yet (no record beside it)\n", pos[0])
		return 1
	}
	if *asJSON {
		data, _ := json.MarshalIndent(st, "", "  ")
		os.Stdout.Write(append(data, '\n'))
		return 0
	}
	expires := "never"
	if st.Expires != "" {
		expires = st.Expires
		if t, err := time.Parse(time.RFC3339, st.Expires); err == nil && time.Now().After(t) {
			expires += " (verlopen: expired)"
		}
	}
	fmt.Fprintf(os.Stdout, "copy:     %s\nsource:   %s\nmirrored: %s\nserial:   %d (built %s)\nexpires:  %s\nversion:  %s, %d files\n",
		pos[0], shown(st.Source), st.Synced, st.Serial, orNone(st.Built), expires, st.Version, st.Files)
	if k, err := manifest.DecodeKey(st.Key); err == nil {
		fmt.Fprintf(os.Stdout, "key:      %s (rotated to; the only key trusted for this copy)\n", manifest.Fingerprint(k))
	}
	return 0
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// draftList returns the numbers of the draft letters a manifest lists.
func draftList(m *manifest.Manifest) []string {
	out := []string{}
	if m == nil {
		return out
	}
	for _, l := range m.Drafts {
		out = append(out, l.Number)
	}
	return out
}

// parseArgs parses a command's flags, which may come before or after its
// n arguments (ledenbrief verify DIR --pubkey K), and returns the
// arguments; nil and the exit status when the command ends here (0 for
// -h, 2 for a usage error, with usage printed).
func parseArgs(fs *flag.FlagSet, args []string, n int, usage string, stderr io.Writer) ([]string, int) {
	var pos []string
	for len(args) > 0 && args[0] != "" && args[0][0] != '-' && len(pos) < n {
		pos, args = append(pos, args[0]), args[1:]
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, 0
		}
		return nil, 2
	}
	pos = append(pos, fs.Args()...)
	if len(pos) != n {
		fmt.Fprintln(stderr, "usage: "+usage)
		return nil, 2
	}
	return pos, 0
}

// publicKey reads the key file of a --pubkey flag; none when not given.
func publicKey(file string) (ed25519.PublicKey, error) {
	if file == "" {
		return nil, nil
	}
	return manifest.ReadPublicKey(file)
}

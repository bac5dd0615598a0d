package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeCommandsAreTheHelp holds the README's command block equal to
// what "ledenbrief --help" prints, and its relative links to files that
// exist, so that a newcomer following it literally gets what it says.
func TestReadmeCommandsAreTheHelp(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	usage(&help) // what --help prints on stdout
	_, after, ok := strings.Cut(string(readme), "`ledenbrief --help`:\n\n```\n")
	block, _, closed := strings.Cut(after, "```\n")
	if !ok || !closed {
		t.Fatal("README has no block after \"`ledenbrief --help`:\"")
	}
	if block != help.String() {
		t.Errorf("README's command block differs from ledenbrief --help:\n--- README\n%s--- --help\n%s", block, help.String())
	}
	for _, m := range regexp.MustCompile(`\]\(([^)#:]+)\)`).FindAllStringSubmatch(string(readme), -1) {
		if _, err := os.Stat("../../" + m[1]); err != nil {
			t.Errorf("README links to %s: %v", m[1], err)
		}
	}
	// The quick tour is in the first screen: what to run and where the
	// binary is, before anything else.
	first := strings.Join(strings.SplitN(string(readme), "\n", 45)[:44], "\n")
	for _, want := range []string{"make build", "bin/ledenbrief serve", "bin/ledenbrief build", "docs/redactiehandleiding.md", "docs/griffiehandleiding.md", "docs/thema.md", "make test"} {
		if !strings.Contains(first, want) {
			t.Errorf("the README's first 44 lines do not say %q", want)
		}
	}
}

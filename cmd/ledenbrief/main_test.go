package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	if os.Getenv("LEDENBRIEF_RUN_MAIN") == "1" { // a test runs the command in a process of its own
		os.Exit(run(os.Args[1:], os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"ledenbrief": func() { os.Exit(run(os.Args[1:], os.Stderr)) },
	})
}

// TestScripts runs the command-line scripts in testdata/script: exit
// codes, messages and what is (not) written.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}

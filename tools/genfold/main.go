// Command genfold writes the browser's fold table (FOLD in
// assets/search.js) from Go's (internal/markdown), so that the browser
// folds a word as the index was built: run by go generate in the module's
// root.
package main

import (
	"fmt"
	"os"

	"ledenbrief/internal/markdown"
)

func main() {
	const file = "assets/search.js"
	js, err := os.ReadFile(file)
	if err == nil {
		js, err = markdown.WithFoldTable(js)
	}
	if err == nil {
		err = os.WriteFile(file, js, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genfold:", err)
		os.Exit(1)
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"strings"

	"ledenbrief/internal/build"
)

// runSearch indexes the content with bleve, as a build does, and prints
// the ranked results of a query.
func runSearch(args []string, stderr io.Writer) int {
	fs := newFlags("search", stderr)
	contentDir := fs.String("content", "content", "content `folder`")
	langName := langFlag(fs)
	n := fs.Int("n", 10, "number of results")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	lang, ok := messageLang(*langName, "search", stderr)
	if !ok {
		return 2
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		fmt.Fprintln(stderr, "ledenbrief search: give a query, like: ledenbrief search integriteit wethouders")
		return 2
	}
	res, err := build.Run(build.Options{Content: *contentDir, Check: true, KeepIndex: true, ThemeDir: defaultThemeDir(*contentDir)})
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if res.Diags.Len() > 0 {
		res.Diags.Print(stderr, lang)
		fmt.Fprintf(stderr, "ledenbrief: %s; fix them to search\n", res.Diags.Summary(lang))
		return 1
	}
	defer res.Index.Close()
	hits, _, err := res.Index.Search(context.Background(), res.Dict, q, *n)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(hits); err != nil {
			fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
			return 1
		}
		return 0
	}
	if len(hits) == 0 {
		fmt.Fprintf(stderr, "ledenbrief: no results for %q\n", q)
		return 0
	}
	for i, h := range hits {
		fmt.Printf("%2d. %s  (%s)\n    %s  score %.3f\n", i+1, h.Title, h.Context, h.URL, h.Score)
		for _, f := range h.Fragments {
			fmt.Printf("    %s\n", plainFragment(f))
		}
		if len(h.Also) > 0 {
			var also []string
			for _, a := range h.Also {
				also = append(also, a.Letter)
			}
			fmt.Printf("    ook in %s\n", strings.Join(also, ", "))
		}
	}
	return 0
}

var markRE = regexp.MustCompile(`</?mark>`)

// plainFragment shows a highlighted HTML fragment in a terminal, the
// marked words in brackets.
func plainFragment(f string) string {
	f = markRE.ReplaceAllStringFunc(f, func(m string) string {
		if m == "<mark>" {
			return "["
		}
		return "]"
	})
	return strings.Join(strings.Fields(html.UnescapeString(f)), " ")
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/scaffold"
)

// runNew scaffolds the next edition of a letter from the previous one.
func runNew(args []string, stderr io.Writer) int {
	fs := newFlags("new", stderr)
	contentDir := fs.String("content", "content", "content `folder`")
	from := fs.String("from", "", "`NUMBER` of the previous edition, like 21-082")
	date := fs.String("date", time.Now().Format(time.DateOnly), "`date` of the new edition, YYYY-MM-DD")
	// Flags may come before or after the number.
	var positional []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(positional) != 1 || *from == "" {
		fmt.Fprintln(stderr, "ledenbrief new: usage: "+synopsis("new")+", like: ledenbrief new 22-010 --from 21-082")
		return 2
	}
	to, ok1 := letternumber.Parse(positional[0])
	prev, ok2 := letternumber.Parse(*from)
	day, err := time.Parse(time.DateOnly, *date)
	switch {
	case !ok1:
		fmt.Fprintf(stderr, "ledenbrief new: %q is not a letter number like 22-010\n", positional[0])
		return 2
	case !ok2:
		fmt.Fprintf(stderr, "ledenbrief new: --from %q is not a letter number like 21-082\n", *from)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "ledenbrief new: --date %q: write it as YYYY-MM-DD\n", *date)
		return 2
	}
	res, err := scaffold.NewEdition(*contentDir, prev, to, day)
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief: %v\n", err)
		return 1
	}
	if res.SeriesAdded {
		fmt.Fprintf(stderr, "ledenbrief: %s had no series; both editions are now in series %q\n", filepath.Join(*contentDir, "brieven", prev, "brief.md"), res.Series)
	}
	fmt.Fprintf(stderr, "ledenbrief: created %s (%d files) as the next edition of %s in series %q.\n", res.Dir, len(res.Files), prev, res.Series)
	fmt.Fprintf(stderr, "It is a draft: review every file (each has a line %q), update the text, then set draft: false.\n", content.ReviewMarker)
	fmt.Fprintln(stderr, "Preview it with: ledenbrief serve (it shows drafts); a concept version for others: ledenbrief build --drafts (into "+ConceptDir+"/)")
	return 0
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"ledenbrief/internal/build"
	"ledenbrief/internal/content"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/diff"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/site"
)

// runDiff prints what differs between two editions of a series, as the
// site's comparison page shows it.
func runDiff(args []string, stderr io.Writer) int {
	fs := newFlags("diff", stderr)
	contentDir := fs.String("content", "content", "content `folder`")
	langName := langFlag(fs)
	format := fs.String("format", "text", "output `format`: text (word-level, [-removed-] {+added+} unless coloured) or json")
	color := fs.String("color", "auto", "colour the text: auto (when the output is a terminal and NO_COLOR is unset), always or never")
	drafts := fs.Bool("drafts", true, "compare drafts too (an edition being written)")
	pos, code := parseArgs(fs, args, 2, synopsis("diff"), stderr)
	if pos == nil {
		return code
	}
	lang, ok := messageLang(*langName, "diff", stderr)
	if !ok {
		return 2
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "ledenbrief diff: --format %q: give text or json\n", *format)
		return 2
	}
	var colored bool
	switch *color {
	case "auto":
		colored = *format == "text" && isTerminal(os.Stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	case "always":
		colored = true
	case "never":
	default:
		fmt.Fprintf(stderr, "ledenbrief diff: --color %q: give auto, always or never\n", *color)
		return 2
	}
	var slugs [2]string
	for i, number := range pos {
		slug, ok := letternumber.Parse(number)
		if !ok {
			fmt.Fprintf(stderr, "ledenbrief diff: %q is not a letter number like 24-901 or Lbr. 24/901\n", number)
			return 2
		}
		slugs[i] = slug
	}
	var diags diag.List
	c, err := build.Compare(build.Options{Content: *contentDir, Drafts: *drafts, Check: true}, slugs[0], slugs[1], &diags)
	diags.Print(stderr, lang)
	var missing *build.NoLetterError
	switch {
	case errors.As(err, &missing):
		fmt.Fprintln(stderr, "ledenbrief diff: "+noLetter(lang, missing.Slug))
		return 1
	case errors.Is(err, build.ErrNotComparable):
		fmt.Fprintln(stderr, "ledenbrief diff: "+notComparable(lang, slugs))
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "ledenbrief diff: %v\n", err)
		return 1
	}
	if *format == "json" {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(comparisonJSON(c))
	} else {
		err = writeComparison(os.Stdout, c, lang, colored)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ledenbrief diff: %v\n", err)
		return 1
	}
	return 0
}

// isTerminal reports whether f is a terminal rather than a file or a pipe.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func noLetter(lang diag.Lang, slug string) string {
	if lang == diag.English {
		return "there is no letter " + letternumber.Number(slug) + " in the content folder"
	}
	return "de inhoudsmap heeft geen brief " + letternumber.Number(slug)
}

func notComparable(lang diag.Lang, slugs [2]string) string {
	a, b := letternumber.Number(slugs[0]), letternumber.Number(slugs[1])
	switch {
	case slugs[0] == slugs[1] && lang == diag.English:
		return "give two different editions, not " + a + " twice"
	case slugs[0] == slugs[1]:
		return "geef twee verschillende edities, niet twee keer " + a
	case lang == diag.English:
		return a + " and " + b + " are not editions of one series (series in the front matter of brief.md)"
	}
	return a + " en " + b + " zijn geen edities van één reeks (series in de voorkant van brief.md)"
}

// comparisonWords are the words of the text output, per language.
var comparisonWords = map[diag.Lang]map[string]string{
	diag.Dutch: {
		"title": "Verschillen tussen %s (%s) en %s (%s)", "skipped1": "[%d ongewijzigde alinea]", "skipped": "[%d ongewijzigde alinea's]",
		"unchanged": "Deze tekst is niet gewijzigd.", "moved": "verplaatst", "was": "vroegere titel: “%s”", "renamed": "het adres #%s is nu #%s",
		site.StatusNew: "nieuw", site.StatusChanged: "gewijzigd", site.StatusUnchanged: "ongewijzigd", site.StatusRemoved: "vervallen",
	},
	diag.English: {
		"title": "Differences between %s (%s) and %s (%s)", "skipped1": "[%d unchanged paragraph]", "skipped": "[%d unchanged paragraphs]",
		"unchanged": "This text did not change.", "moved": "moved", "was": "earlier title: “%s”", "renamed": "the address #%s is now #%s",
		site.StatusNew: "new", site.StatusChanged: "changed", site.StatusUnchanged: "unchanged", site.StatusRemoved: "removed",
	},
}

// ANSI styles of the coloured output: removed text red and struck
// through, added text green and underlined, as on the site's page.
const (
	styleBold    = "\x1b[1m"
	styleDeleted = "\x1b[31;9m"
	styleAdded   = "\x1b[32;4m"
	styleReset   = "\x1b[0m"
)

// writeComparison prints a comparison as text: a heading per section with
// its status, and its changed paragraphs word by word.
func writeComparison(w io.Writer, c *site.Changes, lang diag.Lang, colored bool) error {
	words := comparisonWords[lang]
	if words == nil {
		words = comparisonWords[diag.Dutch]
	}
	var b strings.Builder
	old, cur := c.Previous.Meta, c.Letter.Meta
	fmt.Fprintf(&b, words["title"]+"\n", old.Number, content.DutchDate(old.Date), cur.Number, content.DutchDate(cur.Date))
	for _, sec := range c.Sections {
		b.WriteString("\n")
		heading := sec.Title + " — " + words[sec.Status]
		var notes []string
		if sec.Moved {
			notes = append(notes, words["moved"])
		}
		if sec.Renamed() {
			notes = append(notes, fmt.Sprintf(words["renamed"], sec.PrevID, sec.ID))
		}
		if sec.PrevTitle != "" && sec.PrevTitle != sec.Title {
			notes = append(notes, fmt.Sprintf(words["was"], sec.PrevTitle))
		}
		if len(notes) > 0 {
			heading += " · " + strings.Join(notes, " · ")
		}
		if colored {
			heading = styleBold + heading + styleReset
		}
		b.WriteString(heading + "\n")
		if sec.Status == site.StatusUnchanged {
			b.WriteString("    " + words["unchanged"] + "\n")
			continue
		}
		for _, e := range sec.Excerpts {
			b.WriteString("    ")
			switch {
			case e.Skipped == 1:
				fmt.Fprintf(&b, words["skipped1"], e.Skipped)
			case e.Skipped > 0:
				fmt.Fprintf(&b, words["skipped"], e.Skipped)
			}
			for _, op := range e.Ops {
				writeOp(&b, op, colored)
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeOp writes one run of text: coloured, or marked the way git's word
// diff marks it.
func writeOp(b *strings.Builder, op diff.Op, colored bool) {
	text := strings.ReplaceAll(op.Text, "\n", " ")
	switch {
	case op.Kind == diff.Equal:
		b.WriteString(text)
	case colored && op.Kind == diff.Delete:
		b.WriteString(styleDeleted + text + styleReset)
	case colored:
		b.WriteString(styleAdded + text + styleReset)
	case op.Kind == diff.Delete:
		b.WriteString("[-" + text + "-]")
	default:
		b.WriteString("{+" + text + "+}")
	}
}

// jsonComparison is the JSON form of a comparison, for tools.
type jsonComparison struct {
	Older    jsonEdition   `json:"older"`
	Newer    jsonEdition   `json:"newer"`
	Sections []jsonSection `json:"sections"`
}

type jsonEdition struct {
	Number string `json:"number"`
	Folder string `json:"folder"`
	Date   string `json:"date"`
}

type jsonSection struct {
	ID        string        `json:"id,omitempty"` // "" for the letter itself and a removed section
	PrevID    string        `json:"prev_id,omitempty"`
	Title     string        `json:"title"`
	PrevTitle string        `json:"prev_title,omitempty"`
	Letter    bool          `json:"letter,omitempty"` // the letter itself, not an annex section
	Status    string        `json:"status"`           // nieuw, gewijzigd, ongewijzigd or vervallen, as on the site
	Moved     bool          `json:"moved,omitempty"`
	Excerpts  []jsonExcerpt `json:"excerpts"`
}

type jsonExcerpt struct {
	Skipped int      `json:"skipped,omitempty"` // this many unchanged paragraphs are left out here
	Ops     []jsonOp `json:"ops,omitempty"`
}

type jsonOp struct {
	Kind string `json:"kind"` // equal, insert or delete
	Text string `json:"text"`
}

func comparisonJSON(c *site.Changes) jsonComparison {
	edition := func(li *site.LetterInfo) jsonEdition {
		return jsonEdition{Number: li.Meta.Number, Folder: li.Slug, Date: li.Meta.Date.Format("2006-01-02")}
	}
	out := jsonComparison{Older: edition(c.Previous), Newer: edition(c.Letter), Sections: []jsonSection{}}
	kinds := map[diff.Kind]string{diff.Equal: "equal", diff.Insert: "insert", diff.Delete: "delete"}
	for _, sec := range c.Sections {
		js := jsonSection{ID: sec.ID, PrevID: sec.PrevID, Title: sec.Title, Letter: sec.OnLetterPage, Status: sec.Status, Moved: sec.Moved, Excerpts: []jsonExcerpt{}}
		if sec.PrevTitle != sec.Title {
			js.PrevTitle = sec.PrevTitle
		}
		for _, e := range sec.Excerpts {
			je := jsonExcerpt{Skipped: e.Skipped}
			for _, op := range e.Ops {
				je.Ops = append(je.Ops, jsonOp{Kind: kinds[op.Kind], Text: op.Text})
			}
			js.Excerpts = append(js.Excerpts, je)
		}
		out.Sections = append(out.Sections, js)
	}
	return out
}

// Package scaffold starts a new edition of a letter from the previous
// one: it copies the letter's folder under the new number, keeps every id
// and the series, sets the new number and date, marks the letter as a
// draft and every file as still to be reviewed. It owns only that copy;
// what the files mean is the content package's business.
package scaffold

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/markdown"
)

// Result says what NewEdition did.
type Result struct {
	Dir         string   // the new letter's folder
	Files       []string // the files written, relative to Dir
	Series      string   // the series of both editions
	SeriesAdded bool     // the previous edition had no series and was given one
}

// NewEdition copies brieven/<from> to brieven/<to> in the content folder
// as the next edition, dated date. The new folder appears whole or not at
// all; it refuses to overwrite an existing letter.
func NewEdition(contentDir, from, to string, date time.Time) (*Result, error) {
	src := filepath.Join(contentDir, "brieven", from)
	dst := filepath.Join(contentDir, "brieven", to)
	if _, err := os.Stat(filepath.Join(src, "brief.md")); err != nil {
		return nil, fmt.Errorf("no letter %s: %s has no brief.md", from, src)
	}
	if _, err := os.Lstat(dst); err == nil {
		return nil, fmt.Errorf("letter %s exists already (%s); choose another number", to, dst)
	}
	brief, err := os.ReadFile(filepath.Join(src, "brief.md"))
	if err != nil {
		return nil, err
	}
	res := &Result{Dir: dst}
	res.Series = frontMatterValue(brief, "series")
	if res.Series == "" {
		res.Series = markdown.Slug(frontMatterValue(brief, "subject"))
		if res.Series == "" {
			res.Series = "reeks-" + from
		}
		res.SeriesAdded = true
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "."+to+".tmp-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	marker := fmt.Sprintf("%s tekst overgenomen uit %s; pas hem aan voor %s en haal deze regel dan weg.", content.ReviewMarker, letternumber.Number(from), letternumber.Number(to))
	if err := copyEdition(src, tmp, marker, letternumber.Number(to), date, res); err != nil {
		return nil, err
	}
	if res.SeriesAdded {
		if err := addSeries(filepath.Join(src, "brief.md"), brief, res.Series); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		return nil, err
	}
	return res, nil
}

// copyEdition copies the letter folder src into dst as the new edition
// numbered number: its brief.md edited for it (editLetter), the review
// marker in every annex file, the rest as it is; the files copied are
// added to res.
func copyEdition(src, dst, marker, number string, date time.Time, res *Result) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("%s: symbolic links are not allowed in the content folder", p)
		case d.IsDir():
			return os.MkdirAll(out, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case rel == "brief.md":
			data = editLetter(data, marker, number, date, res.Series)
		case strings.EqualFold(filepath.Ext(p), ".md") && filepath.Base(filepath.Dir(p)) == "bijlage":
			data = insertAfterOpening(data, marker)
		}
		res.Files = append(res.Files, filepath.ToSlash(rel))
		return os.WriteFile(out, data, 0o644)
	})
}

// editLetter rewrites the front matter of brief.md for the new edition:
// the new number and date, draft: true, the series, the review marker,
// and no aliases (those are the old edition's former folders).
func editLetter(text []byte, marker, number string, date time.Time, series string) []byte {
	var out bytes.Buffer
	lines := frontMatterLines(text)
	out.WriteString("---\n" + marker + "\n")
	skipping := false
	for _, line := range lines.fm {
		key, _, isKey := strings.Cut(line, ":")
		if isKey && line != "" && line[0] != ' ' && line[0] != '-' && line[0] != '#' {
			skipping = false
			switch strings.TrimSpace(key) {
			case "number":
				line = "number: " + number
			case "date":
				line = "date: " + date.Format(time.DateOnly)
			case "draft":
				continue
			case "aliases":
				skipping = true
				continue
			}
		} else if skipping {
			continue
		}
		out.WriteString(line + "\n")
	}
	if lines.key("series") == "" {
		out.WriteString("series: " + series + "\n")
	}
	out.WriteString("draft: true\n---\n")
	out.Write(lines.body)
	return out.Bytes()
}

// addSeries gives the previous edition the series both now share.
func addSeries(path string, text []byte, series string) error {
	lines := frontMatterLines(text)
	if lines.fm == nil {
		return errors.New(path + ": no front matter")
	}
	var out bytes.Buffer
	out.WriteString("---\n")
	for _, l := range lines.fm {
		out.WriteString(l + "\n")
	}
	out.WriteString("series: " + series + "\n---\n")
	out.Write(lines.body)
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// insertAfterOpening puts a line right after a file's opening "---".
func insertAfterOpening(text []byte, line string) []byte {
	if i := bytes.Index(text, []byte("---\n")); i >= 0 && len(bytes.TrimSpace(text[:i])) == 0 {
		at := i + 4
		return append(append(append([]byte(nil), text[:at]...), line+"\n"...), text[at:]...)
	}
	return text
}

// split is a file cut into its front matter lines and its body.
type split struct {
	fm   []string
	body []byte
}

func (s split) key(name string) string {
	for _, l := range s.fm {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == name && l[0] != ' ' {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

// frontMatterLines cuts text at its front matter, between "---" lines.
func frontMatterLines(text []byte) split {
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(nil, len(text)+1)
	var s split
	off, open := 0, false
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		off += len(sc.Bytes()) + 1
		switch {
		case !open && strings.TrimSpace(line) == "":
		case !open && line == "---":
			open = true
		case !open:
			return split{body: text}
		case line == "---":
			s.body = text[min(off, len(text)):]
			return s
		default:
			s.fm = append(s.fm, line)
		}
	}
	return split{body: text}
}

// frontMatterValue returns the plain value of a top-level key.
func frontMatterValue(text []byte, key string) string { return frontMatterLines(text).key(key) }

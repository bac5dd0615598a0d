package content

import (
	"bufio"
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/adrg/frontmatter"
	"go.yaml.in/yaml/v3"

	"ledenbrief/internal/diag"
)

// yamlFormat is the only front matter format: YAML between "---" lines,
// decoded with yaml.v3 so that every key keeps its line and column.
var yamlFormat = frontmatter.NewFormat("---", "---", func(data []byte, v any) error {
	return yaml.Unmarshal(data, v)
})

// field describes one front matter key a file kind accepts.
type field struct {
	name     string
	required bool
	set      func(n *yaml.Node) error // decodes the value into its destination
}

// frontMatter is a parsed front matter block with what is needed to point
// at its keys and values.
type frontMatter struct {
	src       *diag.Source
	yamlStart int        // byte offset of the first YAML line in src.Text
	root      *yaml.Node // the mapping node; nil when the block is empty
	field     diag.Msg   // what a key is called in messages: "front matter field", or "field" in a YAML file
}

// nodeOffset returns the byte offset in the file of a YAML node.
func (fm *frontMatter) nodeOffset(n *yaml.Node) int {
	return fm.yamlStart + lineColOffset(fm.src.Text[fm.yamlStart:], n.Line, n.Column)
}

// splitFrontMatter parses src's front matter and returns it with the byte
// offset at which the Markdown body starts. Problems are added to diags; ok
// is false when the file cannot be used at all.
func splitFrontMatter(src *diag.Source, diags *diag.List) (fm *frontMatter, bodyOffset int, ok bool) {
	var root yaml.Node
	var rest []byte
	var err error
	// The parser copies all it reads: it is given the text up to where
	// the front matter seems to end, and all of it only when it does not
	// end there. A parse that read all it was given and found the end
	// found the one it finds in the whole text.
	given := src.Text[:frontMatterEnd(src.Text)]
	if len(given) > 0 {
		rest, err = parseFrontMatter(given, &root)
	}
	if len(given) == 0 || err != nil || len(rest) > 0 {
		root, given = yaml.Node{}, src.Text
		rest, err = parseFrontMatter(given, &root)
	}
	yamlStart := yamlStartOffset(src.Text)
	switch {
	case errors.Is(err, frontmatter.ErrNotFound):
		if yamlStart < 0 {
			diags.Add(src, 0, diag.FMMissing)
		} else {
			diags.Add(src, 0, diag.FMNotClosed)
		}
		return nil, 0, false
	case err != nil:
		diags.Add(src, yamlStart+yamlErrorOffset(src.Text[yamlStart:], err), diag.FMMalformed, yamlProblem(src.Text[yamlStart:], err))
		return nil, 0, false
	}
	fm = &frontMatter{src: src, yamlStart: yamlStart, field: diag.M(diag.FieldFM)}
	if len(root.Content) > 0 {
		m := root.Content[0]
		if m.Kind != yaml.MappingNode {
			diags.Add(src, fm.nodeOffset(m), diag.FMNotMapping)
			return nil, 0, false
		}
		fm.root = m
	}
	return fm, len(given) - len(rest), true
}

// lineReaders are the buffered readers the front matter parser reads
// through: it takes one it is given as its own, instead of making one of
// 4 KB for each of a site's tens of thousands of files.
var lineReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// parseFrontMatter parses the front matter of text into root and returns
// the rest of text, as frontmatter.MustParse does.
func parseFrontMatter(text []byte, root *yaml.Node) ([]byte, error) {
	r := lineReaders.Get().(*bufio.Reader)
	defer lineReaders.Put(r)
	r.Reset(bytes.NewReader(text))
	return frontmatter.MustParse(r, root, yamlFormat)
}

// frontMatterEnd is where the front matter of a file that starts with a
// "---" line seems to end: after the next "---" line; 0 for none.
func frontMatterEnd(text []byte) int {
	const delim = "---\n"
	if !bytes.HasPrefix(text, []byte(delim)) {
		return 0
	}
	i := bytes.Index(text[len(delim)-1:], []byte("\n"+delim))
	if i < 0 {
		return 0
	}
	return len(delim) - 1 + i + 1 + len(delim)
}

// decode assigns the front matter keys to fields, reporting unknown keys,
// duplicate keys, missing required keys and values of the wrong type.
func (fm *frontMatter) decode(fields []field, diags *diag.List) bool {
	ok := true
	seen := map[string]bool{}
	if fm.root != nil {
		for i := 0; i+1 < len(fm.root.Content); i += 2 {
			k, v := fm.root.Content[i], fm.root.Content[i+1]
			f := findField(fields, k.Value)
			switch {
			case f == nil:
				diags.Add(fm.src, fm.nodeOffset(k), diag.UnknownField, fm.field, k.Value, fieldNames(fields))
				ok = false
			case seen[k.Value]:
				diags.Add(fm.src, fm.nodeOffset(k), diag.FieldTwice, fm.field, k.Value)
				ok = false
			default:
				seen[k.Value] = true
				if err := f.set(v); err != nil {
					diags.Add(fm.src, fm.nodeOffset(v), diag.FieldValue, fm.field, k.Value, err)
					ok = false
				}
			}
		}
	}
	for _, f := range fields {
		if f.required && !seen[f.name] {
			diags.Add(fm.src, 0, diag.MissingField, f.name)
			ok = false
		}
	}
	return ok
}

// valueOffset returns the offset of the value of key, or of the front
// matter's start when the key is absent.
func (fm *frontMatter) valueOffset(key string) int {
	if fm.root != nil {
		for i := 0; i+1 < len(fm.root.Content); i += 2 {
			if fm.root.Content[i].Value == key {
				return fm.nodeOffset(fm.root.Content[i+1])
			}
		}
	}
	return 0
}

func findField(fields []field, name string) *field {
	for i := range fields {
		if fields[i].name == name {
			return &fields[i]
		}
	}
	return nil
}

func fieldNames(fields []field) string {
	var b bytes.Buffer
	for i, f := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.name)
	}
	return b.String()
}

// text returns a field setter for a non-empty string.
func text(dst *string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		if n.Kind != yaml.ScalarNode {
			return diag.M(diag.ExpectedText)
		}
		if n.Value == "" {
			return diag.M(diag.MustNotBeEmpty)
		}
		*dst = n.Value
		return nil
	}
}

// number returns a field setter for a non-negative integer.
func number(dst *int) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		v, err := strconv.Atoi(n.Value)
		if n.Kind != yaml.ScalarNode || err != nil || v < 0 {
			return diag.M(diag.ExpectedNumber, n.Value)
		}
		*dst = v
		return nil
	}
}

// aliases returns a field setter for a list of ids, as a YAML sequence
// ("[oud-a, oud-b]") or a single value.
func aliases(fm *frontMatter, dst *[]Alias) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		items := []*yaml.Node{n}
		if n.Kind == yaml.SequenceNode {
			items = n.Content
		}
		for _, it := range items {
			if it.Kind != yaml.ScalarNode || it.Value == "" {
				return diag.M(diag.ExpectedIDs)
			}
			*dst = append(*dst, Alias{ID: it.Value, Offset: fm.nodeOffset(it)})
		}
		return nil
	}
}

// searchWords returns a field setter for zoekwoorden: the words readers
// search with for a document, as a YAML sequence ("[laptop, telefoon]")
// or a single value.
func searchWords(dst *[]string) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		items := []*yaml.Node{n}
		if n.Kind == yaml.SequenceNode {
			items = n.Content
		}
		for _, it := range items {
			if it.Kind != yaml.ScalarNode || strings.TrimSpace(it.Value) == "" {
				return diag.M(diag.ExpectedWords)
			}
			*dst = append(*dst, strings.TrimSpace(it.Value))
		}
		return nil
	}
}

// corrections returns a field setter for a letter's corrections: a list
// of {date: YYYY-MM-DD, description: one line}, kept sorted by date.
func corrections(fm *frontMatter, src *diag.Source, dst *[]Correction, diags *diag.List) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		want := diag.M(diag.CorrectionsList)
		if n.Kind != yaml.SequenceNode {
			return want
		}
		for _, it := range n.Content {
			var c struct {
				Date        string `yaml:"date"`
				Description string `yaml:"description"`
			}
			if it.Kind != yaml.MappingNode || it.Decode(&c) != nil {
				diags.AddMsg(src, fm.nodeOffset(it), want)
				continue
			}
			unknown := false
			for i := 0; i < len(it.Content); i += 2 {
				if k := it.Content[i]; k.Value != "date" && k.Value != "description" {
					diags.Add(src, fm.nodeOffset(k), diag.CorrectionField, k.Value)
					unknown = true
				}
			}
			if unknown {
				continue
			}
			t, err := time.Parse(time.DateOnly, c.Date)
			switch {
			case err != nil:
				diags.Add(src, fm.nodeOffset(it), diag.CorrectionDate, c.Date)
			case strings.TrimSpace(c.Description) == "" || strings.Contains(c.Description, "\n"):
				diags.Add(src, fm.nodeOffset(it), diag.CorrectionDescription)
			default:
				*dst = append(*dst, Correction{Date: t, Description: strings.TrimSpace(c.Description)})
			}
		}
		slices.SortStableFunc(*dst, func(a, b Correction) int { return a.Date.Compare(b.Date) })
		return nil
	}
}

// boolean returns a field setter for true/false.
func boolean(dst *bool) func(*yaml.Node) error {
	return func(n *yaml.Node) error {
		if n.Kind != yaml.ScalarNode || n.Decode(dst) != nil {
			return diag.M(diag.ExpectedBool, n.Value)
		}
		return nil
	}
}

// yamlStartOffset returns the offset just after the opening "---" line, or
// -1 when the file does not open with one (blank lines may precede it, as
// adrg/frontmatter allows).
func yamlStartOffset(text []byte) int {
	off := 0
	for off < len(text) {
		end := bytes.IndexByte(text[off:], '\n')
		next := len(text)
		if end >= 0 {
			next = off + end + 1
		}
		line := bytes.TrimSpace(text[off:next])
		switch {
		case len(line) == 0:
			off = next
		case string(line) == "---":
			return next
		default:
			return -1
		}
	}
	return -1
}

var (
	yamlLineRE    = regexp.MustCompile(`^yaml: (?:line (\d+): )?`)
	typeErrLineRE = regexp.MustCompile(`^line (\d+): `)
)

// yamlErrorOffset finds the line of a yaml.v3 syntax error, as an offset
// in yamlText. yaml.v3 names the line where the construct with the error
// began (for some errors counted from 0, for others from 1), not the line
// of the problem: an unclosed "[" or a tab is reported a line early. So
// the error is located as the first line, from the one named on, at which
// the text up to that line fails with the same message. A line "---"
// ends the search: the front matter ends there.
func yamlErrorOffset(yamlText []byte, err error) int {
	named := 1
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil && m[1] != "" {
		named, _ = strconv.Atoi(m[1])
	} else {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			if m2 := typeErrLineRE.FindStringSubmatch(te.Errors[0]); m2 != nil {
				n, _ := strconv.Atoi(m2[1])
				return lineColOffset(yamlText, n, 1)
			}
		}
	}
	want := yamlErrorMessage(err)
	lines := bytes.SplitAfter(yamlText, []byte("\n"))
	end := 0
	for k := range lines {
		if k+1 >= named {
			var n yaml.Node
			if perr := yaml.Unmarshal(yamlText[:end+len(lines[k])], &n); perr != nil && yamlErrorMessage(perr) == want {
				return end
			}
		}
		if k > 0 && string(bytes.TrimSpace(lines[k])) == "---" {
			break
		}
		end += len(lines[k])
	}
	return lineColOffset(yamlText, named, 1)
}

// yamlProblem says in the editor's words what a YAML syntax error means
// and how to fix it, for the mistakes editors make: a colon in a title,
// a tab, an unclosed bracket or quotation mark, a stray indent. Other
// errors keep yaml.v3's words. yamlText is the YAML the error is in.
func yamlProblem(yamlText []byte, err error) diag.Msg {
	msg := yamlErrorMessage(err)
	off := yamlErrorOffset(yamlText, err)
	line := yamlText[off:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	text := strings.TrimRight(string(line), "\r")
	switch {
	case strings.Contains(msg, "mapping values are not allowed"):
		key, value, ok := strings.Cut(strings.TrimSpace(text), ": ")
		if !ok || !strings.Contains(value, ": ") && !strings.HasSuffix(value, ":") {
			return diag.M(diag.YAMLIndent)
		}
		return diag.M(diag.YAMLColon, key+": "+quoteYAML(strings.TrimSpace(value)))
	case strings.Contains(msg, "tab character"), strings.Contains(msg, "cannot start any token") && strings.Contains(text, "\t"):
		return diag.M(diag.YAMLTab)
	case strings.Contains(msg, "cannot start any token"):
		return diag.M(diag.YAMLSpecial)
	case strings.Contains(msg, "expected ',' or ']'"):
		return diag.M(diag.YAMLUnclosedList)
	case strings.Contains(msg, "expected ',' or '}'"):
		return diag.M(diag.YAMLUnclosedMap)
	case strings.Contains(msg, "unexpected end of stream"), strings.Contains(msg, "closing quote"):
		return diag.M(diag.YAMLUnclosedQuote)
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "could not find expected ':'"),
		strings.Contains(msg, "did not find expected '-' indicator"), strings.Contains(msg, "block mapping"):
		return diag.M(diag.YAMLIndent)
	case strings.Contains(msg, "unknown anchor"), strings.Contains(msg, "alphabetic or numeric character"):
		return diag.M(diag.YAMLAlias)
	}
	return diag.M(diag.YAMLOther, msg)
}

// quoteYAML writes value as a YAML string in double quotes, the way an
// editor would fix it.
func quoteYAML(value string) string {
	if strings.HasPrefix(value, `"`) && strings.HasSuffix(value, `"`) && len(value) > 1 {
		return value
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(value) + `"`
}

// yamlErrorMessage strips yaml.v3's "yaml: line N:" prefix, since the
// diagnostic carries the position itself.
func yamlErrorMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return typeErrLineRE.ReplaceAllString(te.Errors[0], "")
	}
	return yamlLineRE.ReplaceAllString(err.Error(), "")
}

// lineColOffset converts a 1-based line and column (in runes) into a byte
// offset in text. Out-of-range values are clamped.
func lineColOffset(text []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(text) && text[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(text[off:])
		off += size
	}
	return off
}

// Package pdf prints a letter and its annex to one PDF with headless
// Chromium: both pages of the built site in one document, in print
// typography, with a table of contents, an outline (bookmarks) of every
// section and subsection, every link within the letter and its annex
// jumping to its place inside the PDF, and tags for accessibility. It
// does not build the site; it prints what a build wrote.
package pdf

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Chromium returns the path of an installed Chromium or Chrome, or "".
func Chromium() string {
	if p := os.Getenv("LEDENBRIEF_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

var (
	mainRE  = regexp.MustCompile(`(?s)<main id="lb_main">(.*)</main>`)
	titleRE = regexp.MustCompile(`(?s)<title>(.*?)</title>`)
	styleRE = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`)
	attrRE  = regexp.MustCompile(`\b(href|src)="([^"]*)"`)
	ownIDRE = regexp.MustCompile(`\b(id|aria-labelledby|aria-describedby)="lb_|href="#lb_`)
)

// Document returns one HTML document with the letter slug ("21-082") and
// its annex from the site built in out, whose canonical address is
// baseURL. Links to the letter and its annex become links within the
// document; links to the rest of the site go to baseURL; images and the
// style sheet are loaded from out.
func Document(out, slug, baseURL string) ([]byte, error) {
	letterFile := filepath.Join(out, slug, "index.html")
	annexFile := filepath.Join(out, slug, "bijlage", "index.html")
	letter, err := os.ReadFile(letterFile)
	if err != nil {
		return nil, fmt.Errorf("letter %s is not in the built site: %w", slug, err)
	}
	title, style := titleRE.FindSubmatch(letter), styleRE.FindSubmatch(letter)
	body := mainRE.FindSubmatch(letter)
	if title == nil || style == nil || body == nil {
		return nil, fmt.Errorf("%s: not a letter page of ledenbrief", letterFile)
	}
	parts := [][]byte{rewrite(body[1], letterFile, letterFile, annexFile, out, baseURL)}
	if annex, err := os.ReadFile(annexFile); err == nil {
		if m := mainRE.FindSubmatch(annex); m != nil {
			part := rewrite(m[1], annexFile, letterFile, annexFile, out, baseURL)
			// The annex page's own ids (its title, its table of contents)
			// would repeat the letter's: they get a prefix.
			part = ownIDRE.ReplaceAllFunc(part, func(b []byte) []byte { return bytes.Replace(b, []byte("lb_"), []byte("lb_b_"), 1) })
			parts = append(parts, []byte(`<div class="annex" id="bijlage">`), part, []byte(`</div>`))
		}
	}
	var b bytes.Buffer
	b.WriteString(`<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>`)
	b.Write(title[1])
	b.WriteString(`</title><link rel="stylesheet" href="`)
	b.WriteString(html.EscapeString(fileURL(filepath.Join(filepath.Dir(letterFile), html.UnescapeString(string(style[1]))))))
	b.WriteString(`"><style>@media print { .annex { break-before: page; } }</style></head><body><main id="lb_main">`)
	for _, p := range parts {
		b.Write(p)
	}
	b.WriteString("</main></body></html>\n")
	return b.Bytes(), nil
}

// rewrite makes the links of one page's content work in the document.
func rewrite(part []byte, pageFile, letterFile, annexFile, out, baseURL string) []byte {
	page, _ := url.Parse(fileURL(pageFile))
	return attrRE.ReplaceAllFunc(part, func(m []byte) []byte {
		sub := attrRE.FindSubmatch(m)
		attr, raw := string(sub[1]), html.UnescapeString(string(sub[2]))
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "" || strings.HasPrefix(raw, "#") {
			return m // external, mail, telephone, or within the page
		}
		target := page.ResolveReference(u)
		file := filepath.FromSlash(target.Path)
		var to string
		switch {
		case file == letterFile || file == annexFile:
			to = "#" + target.Fragment
			if target.Fragment == "" {
				to = "#lb_title"
				if file == annexFile {
					to = "#bijlage"
				}
			}
		case attr == "src":
			to = target.String() // an image of the site, printed from the file
		default:
			rel, err := filepath.Rel(out, file)
			if err != nil || strings.HasPrefix(rel, "..") {
				return m
			}
			to = baseURL + strings.TrimSuffix(filepath.ToSlash(rel), "index.html")
			if target.Fragment != "" {
				to += "#" + target.Fragment
			}
		}
		return []byte(attr + `="` + html.EscapeString(to) + `"`)
	})
}

func fileURL(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}

// ChromiumOptions starts the headless Chromium at chromium with a fresh
// profile in folder profile, as it runs here and in CI: no sandbox, no
// GPU, and none of its own network traffic (QUIC, updates, sync).
func ChromiumOptions(chromium, profile string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
	)
}

// Printer prints HTML documents to PDF with one headless Chromium,
// started once for any number of documents.
type Printer struct {
	profile string
	ctx     context.Context // the browser's
	cancel  func()
}

// NewPrinter starts the Chromium at chromium, with a profile of its own
// that Close removes.
func NewPrinter(ctx context.Context, chromium string) (*Printer, error) {
	profile, err := os.MkdirTemp("", "ledenbrief-pdf-")
	if err != nil {
		return nil, err
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, ChromiumOptions(chromium, profile)...)
	bctx, cancel := chromedp.NewContext(actx)
	p := &Printer{profile: profile, ctx: bctx, cancel: func() { cancel(); cancelAlloc() }}
	if err := chromedp.Do(bctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("start Chromium: %w", err)
	}
	return p, nil
}

// Print renders the HTML file doc to a PDF: A4, the document's print
// style, tagged, with an outline of its headings.
func (p *Printer) Print(doc string) ([]byte, error) {
	if err := chromedp.Do(p.ctx, chromedp.Navigate(fileURL(doc))); err != nil {
		return nil, fmt.Errorf("open %s in Chromium: %w", doc, err)
	}
	yes := true
	return chromedp.Run(p.ctx, chromedp.PrintToPDF(func(pp *page.PrintToPDFParams) {
		pp.PaperWidth, pp.PaperHeight = chromedp.PaperA4.Width, chromedp.PaperA4.Height
		pp.GenerateTaggedPDF = &yes
		pp.GenerateDocumentOutline = &yes
		pp.PreferCSSPageSize = &yes
	}))
}

// Close ends the browser and removes its profile.
func (p *Printer) Close() {
	p.cancel()
	os.RemoveAll(p.profile)
}

// Print renders the HTML file doc to a PDF with the Chromium at chromium
// (see Printer.Print).
func Print(ctx context.Context, chromium, doc string) ([]byte, error) {
	p, err := NewPrinter(ctx, chromium)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return p.Print(doc)
}

// Package pdf prints a document (a letter and its annex, as the build
// renders them into one, see build) to a PDF with headless Chromium: in
// print typography, with an outline (bookmarks) of every section and
// subsection, every link within the document jumping to its place inside
// the PDF, the page numbers of its contents and references, and tags and
// metadata for accessibility (PDF/UA-1). It only prints.
package pdf

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"

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

// maxPasses bounds the printings of one document: each after the first
// shows the pages the one before it found, until they no longer move.
const maxPasses = 4

// Print renders the HTML file doc to a PDF: A4, the document's print
// style, tagged, with an outline of its headings and the page number at
// the foot of every page. The table of contents shows the page of each
// entry, and a link to another part of the document is followed by the
// part's number and page ("bijlage § 2, blz. 5"): the document is printed
// again with the pages the previous printing found, until they hold.
// The PDF is then finished for PDF/UA-1 (see finish).
func (p *Printer) Print(doc string) ([]byte, error) {
	if err := chromedp.Do(p.ctx, chromedp.Navigate(fileURL(doc))); err != nil {
		return nil, fmt.Errorf("open %s in Chromium: %w", doc, err)
	}
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](describeJS))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", doc, err)
	}
	var d Document
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, fmt.Errorf("read %s: %w", doc, err)
	}
	var data []byte
	for range maxPasses {
		if data, err = p.printOnce(); err != nil {
			return nil, err
		}
		pages, _ := json.Marshal(DestinationPages(data))
		changed, err := chromedp.Run(p.ctx, chromedp.Evaluate[int]("("+numberJS+")("+string(pages)+")"))
		if err != nil {
			return nil, fmt.Errorf("number the pages of %s: %w", doc, err)
		}
		if changed == 0 {
			break
		}
	}
	finished, err := finish(data, d)
	if err != nil {
		// A PDF this Chromium wrote in a form finish does not read (say,
		// with a cross-reference stream) is still a tagged PDF with its
		// outline: better that than none. TestLetterPDF notices.
		return data, nil
	}
	return finished, nil
}

// printOnce prints the open document as it is now.
func (p *Printer) printOnce() ([]byte, error) {
	yes := true
	return chromedp.Run(p.ctx, chromedp.PrintToPDF(func(pp *page.PrintToPDFParams) {
		pp.PaperWidth, pp.PaperHeight = chromedp.PaperA4.Width, chromedp.PaperA4.Height
		pp.GenerateTaggedPDF = &yes
		pp.GenerateDocumentOutline = &yes
		pp.PreferCSSPageSize = &yes
		pp.DisplayHeaderFooter = &yes
		pp.HeaderTemplate = "<span></span>"
		pp.FooterTemplate = footer
	}))
}

// footer is the foot of every page: its number.
const footer = `<div style="width:100%;text-align:center;font:8pt sans-serif;color:#444"><span class="pageNumber"></span></div>`

// describeJS reads what finish needs of the document: its title and
// language, who publishes it, and its headings' text as written (without
// the permalink a heading carries on the site).
const describeJS = `JSON.stringify({
	Title: document.title,
	Lang: document.documentElement.lang,
	Creator: (document.querySelector("meta[name=author]") || {}).content || "",
	Headings: [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => {
		const c = h.cloneNode(true);
		c.querySelectorAll(".permalink, .vh, .alias").forEach(e => e.remove());
		return c.textContent.trim();
	}),
})`

// numberJS is a function of the page (counted from 1) of every id that
// writes into the document where its parts landed: the page after each
// entry of a table of contents (nav.toc), and after each link to a part
// of the annex (#bijlage) elsewhere, "(bijlage § N, blz. P)", N the
// number of the annex section that holds the target ("(blz. P)" for the
// annex itself). It returns how many of these changed.
const numberJS = `function (pages) {
	let changed = 0;
	const annex = document.getElementById("bijlage");
	const sections = annex ? [...annex.querySelectorAll("section.annex-section")] : [];
	const after = (a, cls, text) => {
		let s = a.nextElementSibling;
		if (!s || !s.classList.contains(cls)) {
			s = document.createElement("span");
			s.className = cls;
			a.after(s);
		}
		if (s.textContent !== text) {
			s.textContent = text;
			changed++;
		}
	};
	document.querySelectorAll('a[href^="#"]').forEach(a => {
		const id = decodeURIComponent(a.getAttribute("href").slice(1)), page = pages[id];
		const target = id && document.getElementById(id);
		if (!page || !target) return;
		if (a.closest("nav.toc")) {
			after(a, "lb-page", String(page));
			return;
		}
		if (!annex || !annex.contains(target) || annex.contains(a) || a.closest("nav, .permalink, .section-nav") || getComputedStyle(a).display === "none") return;
		const n = sections.findIndex(s => s.contains(target)) + 1;
		after(a, "lb-ref", n ? " (bijlage § " + n + ", blz. " + page + ")" : " (blz. " + page + ")");
	});
	return changed;
}`

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

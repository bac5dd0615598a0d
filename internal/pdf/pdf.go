// Package pdf prints a document (a letter and its annex, as the build
// renders them into one, see build) to a PDF with headless Chromium: in
// print typography, with an outline (bookmarks) of every section and
// subsection, every link within the document jumping to its place inside
// the PDF, and tags for accessibility. It only prints.
package pdf

import (
	"context"
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

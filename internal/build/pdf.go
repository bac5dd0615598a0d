package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"ledenbrief/internal/offline"
	"ledenbrief/internal/pdf"
	"ledenbrief/internal/render"
	"ledenbrief/internal/site"
)

// printed keeps, for every letter with offline copies, what its page
// offers, so that the PDF pass can add the PDF.
type printed struct {
	mu        sync.Mutex
	downloads map[string]*render.Downloads // by letter folder
}

func (p *printed) keep(slug string, d *render.Downloads) {
	p.mu.Lock()
	p.downloads[slug] = d
	p.mu.Unlock()
}

// printPDFs prints every published letter with its annex to a PDF beside
// its page (lbr-21-082.pdf), with one Chromium for all of them, and adds
// the PDF with its size to the letter page's downloads. It runs when
// every page and asset is written, before the site's zip and manifest.
func printPDFs(ctx context.Context, s *site.Site, r *render.Renderer, out *output, chromium string, offered *printed) error {
	p, err := pdf.NewPrinter(ctx, chromium)
	if err != nil {
		return err
	}
	defer p.Close()
	tmp, err := os.MkdirTemp("", "ledenbrief-print-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, li := range s.Letters {
		if li.Meta.Draft {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		doc, err := pdf.Document(out.Dir(), li.Slug, s.Content.Config.BaseURL)
		if err != nil {
			return err
		}
		file := filepath.Join(tmp, li.Slug+".html")
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			return err
		}
		data, err := p.Print(file)
		if err != nil {
			return fmt.Errorf("print %s: %w", li.Meta.Number, err)
		}
		name := li.Path() + offline.DownloadName(li.Slug) + ".pdf"
		if err := out.WriteFile(name, data); err != nil {
			return err
		}
		d := offered.downloads[li.Slug]
		if d == nil {
			continue // a build without offline copies offers no downloads
		}
		d.PDF, d.PDFSize = name, int64(len(data))
		page, err := out.ReadFile(li.Path() + "index.html")
		if err != nil {
			return err
		}
		if page, err = r.WithDownloads(page, &render.Page{Kind: site.KindLetter, Path: li.Path(), Downloads: d}); err != nil {
			return err
		}
		if err := out.WriteFile(li.Path()+"index.html", page); err != nil {
			return err
		}
	}
	return nil
}

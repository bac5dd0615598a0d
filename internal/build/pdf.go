package build

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"ledenbrief/internal/diag"
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

// printDocument renders resolved letter rl's page and annex as one
// document to print (page kind print) through the theme's layout: links
// between them jump within it, images are inline, other links go to the
// site; the style is inline too, with the annex on a new page.
func printDocument(s *site.Site, r *render.Renderer, rl *site.Letter, fr *fileRecorder) ([]byte, error) {
	li := rl.Info
	c := &offline.Copy{Slug: li.Slug, Title: site.LetterTitle(li.Meta), BaseURL: s.Content.Config.BaseURL, Media: contentMedia(s, fr)}
	var pages []*render.Page
	for _, sp := range s.LetterPages(li) {
		if sp.Kind == site.KindLetter || sp.Kind == site.KindAnnex {
			v := view(s, sp)
			v.Letter = rl
			pages = append(pages, v)
			c.Annex = c.Annex || sp.Kind == site.KindAnnex
		}
	}
	doc, err := document(r, li, c.Document(false), pages)
	if err != nil {
		return nil, err
	}
	style, err := inlineStyle(s, r)
	if err != nil {
		return nil, err
	}
	doc.Style = template.CSS(append(bytes.ReplaceAll(style, []byte("</style"), []byte(`<\/style`)), "\n@media print{.annex{break-before:page}}"...))
	placeholder := ExampleHost(s.Content.Config.BaseURL)
	if placeholder {
		doc.Online = "" // not "printed from" an address that is not the site's
	}
	var b bytes.Buffer
	if err := r.Render(&b, &render.Page{Kind: site.KindPrint, Path: li.Path(), Title: site.LetterTitle(li.Meta), Document: doc}); err != nil {
		return nil, err
	}
	if placeholder {
		return unlinkSite(b.Bytes(), s.Content.Config.BaseURL), nil
	}
	return b.Bytes(), nil
}

// unlinkSite leaves the text of every link of document to the site at
// base and drops the address: a PDF printed before the site has its real
// address must not send readers to a placeholder one.
func unlinkSite(document []byte, base string) []byte {
	return regexp.MustCompile(` href="`+regexp.QuoteMeta(base)+`[^"]*"`).ReplaceAll(document, nil)
}

// offerPDF renders resolved letter rl's page again, now that its PDF is
// printed, offering it with the other downloads d.
func offerPDF(s *site.Site, r *render.Renderer, out *output, rl *site.Letter, d *render.Downloads) error {
	for _, sp := range s.LetterPages(rl.Info) {
		if sp.Kind == site.KindLetter {
			v := view(s, sp)
			v.Letter, v.Downloads = rl, d
			var b bytes.Buffer
			if err := r.Render(&b, v); err != nil {
				return err
			}
			return out.WriteFile(rl.Info.Path()+"index.html", b.Bytes())
		}
	}
	return nil
}

// resolved reads letter li again and resolves it; its problems were
// reported by the letter pass.
func resolved(s *site.Site, li *site.LetterInfo) (*site.Letter, error) {
	l, err := reload(s, li.Slug)
	if err != nil {
		return nil, err
	}
	return s.ResolveLetter(l, &diag.List{}), nil
}

// documentOf returns the print document of the published letter in
// folder slug.
func documentOf(s *site.Site, r *render.Renderer, slug string) ([]byte, error) {
	for _, li := range s.Letters {
		if li.Slug == slug && !li.Meta.Draft {
			rl, err := resolved(s, li)
			if err != nil {
				return nil, err
			}
			return printDocument(s, r, rl, nil)
		}
	}
	return nil, fmt.Errorf("there is no published letter %s", slug)
}

// printPDFs prints every published letter with its annex to a PDF beside
// its page (lbr-21-082.pdf), with one Chromium for all of them, and adds
// the PDF with its size to the letter page's downloads. It runs when
// every page and asset is written, before the site's zip and manifest.
// A PDF the cache (bc, nil for none) holds is not printed again.
func printPDFs(ctx context.Context, s *site.Site, r *render.Renderer, out *output, chromium string, offered *printed, bc *buildCache) error {
	var p *pdf.Printer // started for the first PDF the cache does not hold
	defer func() {
		if p != nil {
			p.Close()
		}
	}()
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
		if bc != nil {
			if e := bc.getPDF(li.Slug); e != nil {
				if err := writeCached(out, e.files); err != nil {
					return err
				}
				continue
			}
		}
		if p == nil {
			if p, err = pdf.NewPrinter(ctx, chromium); err != nil {
				return err
			}
		}
		o, fr := out, (*fileRecorder)(nil)
		if bc != nil {
			fr = &fileRecorder{}
			o = out.recording(fr)
		}
		if err := printPDF(s, r, o, p, tmp, li, offered.downloads[li.Slug], fr); err != nil {
			return err
		}
		if bc != nil {
			bc.putPDF(li.Slug, &pdfEntry{files: fr.files, media: bc.stamps(fr.media)})
		}
	}
	return nil
}

// printPDF prints letter li's PDF with p into out, and its page again
// offering it with the other downloads d (nil when the build makes no
// copies, and offers nothing); fr notes the content files it holds.
func printPDF(s *site.Site, r *render.Renderer, out *output, p *pdf.Printer, tmp string, li *site.LetterInfo, d *render.Downloads, fr *fileRecorder) error {
	rl, err := resolved(s, li)
	if err != nil {
		return err
	}
	doc, err := printDocument(s, r, rl, fr)
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
	if d == nil {
		return nil
	}
	d.PDF, d.PDFSize = name, int64(len(data))
	return offerPDF(s, r, out, rl, d)
}

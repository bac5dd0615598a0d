package publish

import (
	"archive/zip"
	"compress/flate"
	"crypto/ed25519"
	"io"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/manifest"
)

// Zip writes a deterministic zip: entries in the order they are added,
// all with one time, compressed unless already compressed.
type Zip struct {
	w    *zip.Writer
	time time.Time
}

// NewZip returns a zip writer on w whose entries all carry time t.
func NewZip(w io.Writer, t time.Time) *Zip {
	z := &Zip{w: zip.NewWriter(w), time: t}
	z.w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw := flateWriters.Get().(*flate.Writer)
		fw.Reset(out)
		return pooledFlate{fw}, nil
	})
	return z
}

// flateWriters reuses compressors: each holds hundreds of kilobytes of
// state, and a site's copies have tens of thousands of entries.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level: no error
	return w
}}

// pooledFlate returns its compressor to the pool when closed.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flateWriters.Put(p.Writer)
	return err
}

// stored are the kinds of file that compressing again does not shrink.
var stored = map[string]bool{".zip": true, ".pdf": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true, ".mp3": true, ".mp4": true, ".m4a": true, ".ogg": true, ".oga": true, ".ogv": true, ".webm": true, ".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true}

// Add adds one file.
func (z *Zip) Add(name string, data []byte) error {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.time}
	if stored[strings.ToLower(path.Ext(name))] {
		h.Method = zip.Store
	}
	h.SetMode(0o644)
	w, err := z.w.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// CopyFrom adds e, an entry of another zip that Add wrote the same way,
// as it was compressed.
func (z *Zip) CopyFrom(e *zip.File) error { return z.w.Copy(e) }

// Close finishes the zip.
func (z *Zip) Close() error { return z.w.Close() }

// WriteSiteZip writes, as the file name of the folder, a zip of every file
// written so far, with a manifest of its own (m, listing them) and, with
// key, its signature: a copy of the site in one file that verifies like
// the site. A file the previous build's zip (the target's name) holds
// with the same content is copied from it as it was compressed: reading
// it back costs a fraction of compressing it again.
func (f *Folder) WriteSiteZip(name string, m manifest.Manifest, key ed25519.PrivateKey) (err error) {
	files := f.Written()
	m.Generator, m.Files = "ledenbrief", files
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	w, err := f.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}()
	z := NewZip(w, siteZipTime)
	previous := f.previousZip(name)
	if previous != nil {
		defer previous.Close()
	}
	for _, file := range files {
		if e := previous.same(file); e != nil {
			if err := z.CopyFrom(e); err != nil {
				return err
			}
			continue
		}
		content, err := f.ReadFile(file.Path)
		if err != nil {
			return err
		}
		if err := z.Add(file.Path, content); err != nil {
			return err
		}
	}
	if err := z.Add(manifest.Name, data); err != nil {
		return err
	}
	if key != nil {
		if err := z.Add(manifest.SigName, manifest.Sign(key, data)); err != nil {
			return err
		}
	}
	return z.Close()
}

// siteZipTime is the time every entry of the site's zip carries.
var siteZipTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// previousSiteZip is the zip of the whole site that the previous build
// wrote, its entries by name.
type previousSiteZip struct {
	*zip.ReadCloser
	entries map[string]*zip.File
}

// previousZip opens the zip name of the previous build in the target,
// or returns nil when there is none that a build of ours wrote.
func (f *Folder) previousZip(name string) *previousSiteZip {
	if f.target == "" || !f.old[name] {
		return nil
	}
	r, err := zip.OpenReader(filepath.Join(f.target, filepath.FromSlash(name)))
	if err != nil {
		return nil // not a zip any more: every entry is compressed again
	}
	p := &previousSiteZip{ReadCloser: r, entries: make(map[string]*zip.File, len(r.File))}
	for _, e := range r.File {
		p.entries[e.Name] = e
	}
	return p
}

// same returns the previous zip's entry of file when it holds file's
// content (read back and hashed, so a damaged or altered zip is never
// copied from) as Add would have written it; nil otherwise.
func (p *previousSiteZip) same(file manifest.File) *zip.File {
	if p == nil {
		return nil
	}
	e := p.entries[file.Path]
	method := zip.Deflate
	if stored[strings.ToLower(path.Ext(file.Path))] {
		method = zip.Store
	}
	if e == nil || e.Method != method || int64(e.UncompressedSize64) != file.Size || !e.Modified.Equal(siteZipTime) {
		return nil
	}
	r, err := e.Open()
	if err != nil {
		return nil
	}
	defer r.Close()
	if ok, err := file.Matches(r); err != nil || !ok {
		return nil
	}
	return e
}

package publish

import (
	"archive/zip"
	"compress/flate"
	"crypto/ed25519"
	"io"
	"path"
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

// Close finishes the zip.
func (z *Zip) Close() error { return z.w.Close() }

// WriteSiteZip writes, as the file name of the folder, a zip of every file
// written so far, with a manifest of its own (m, listing them) and, with
// key, its signature: a copy of the site in one file that verifies like
// the site.
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
	z := NewZip(w, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, file := range files {
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

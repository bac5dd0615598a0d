package content

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"ledenbrief/internal/diag"
)

// mediaTypes are the kinds of file a letter may link to or show, by
// extension: images, documents, audio and video. Nothing that a browser
// would run (HTML, scripts) is published, whatever allow_html says.
var mediaTypes = []string{
	".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp",
	".csv", ".doc", ".docx", ".odp", ".ods", ".odt", ".pdf", ".ppt", ".pptx", ".rtf", ".txt", ".xls", ".xlsx",
	".m4a", ".mp3", ".mp4", ".oga", ".ogg", ".ogv", ".wav", ".webm",
}

// activeSVG matches what makes an SVG image run code when opened on its
// own: scripts, event handlers, javascript: links, embedded HTML.
var activeSVG = regexp.MustCompile(`(?i)<script|<foreignobject|<iframe|<embed|<object|\son[a-z]+\s*=|javascript:`)

// CheckMedia reports whether the content file name (slash-separated,
// relative to the content folder) may be published for a link or image:
// a regular file, reached without symbolic links, of a known passive type.
func (s *Site) CheckMedia(name string) error {
	info, err := s.Stat(name)
	var link *SymlinkError
	switch {
	case errors.As(err, &link):
		return diag.M(diag.SymlinkOnPath, link.Link)
	case err != nil || !info.Mode().IsRegular():
		return diag.M(diag.NoSuchFile)
	}
	ext := strings.ToLower(path.Ext(name))
	if !slices.Contains(mediaTypes, ext) {
		if ext == "" {
			return diag.M(diag.MediaType, diag.M(diag.WithoutExtension), strings.Join(mediaTypes, " "))
		}
		return diag.M(diag.MediaType, ext, strings.Join(mediaTypes, " "))
	}
	if ext == ".svg" {
		data, err := fs.ReadFile(s.FS, name)
		if err != nil {
			return err
		}
		if loc := activeSVG.FindIndex(data); loc != nil {
			line := 1 + bytes.Count(data[:loc[0]], []byte("\n"))
			return diag.M(diag.SVGScript, line)
		}
	}
	return nil
}

// isImage reports whether a file name is of an image type a page can show.
func isImage(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".avif", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".webp":
		return true
	}
	return false
}

// checkSiteFile checks a file that site.yaml names (a logo, a favicon,
// a style sheet): a clean path inside the content folder, of the kind ok
// accepts, that may be published.
func (s *Site) checkSiteFile(name string, ok func(string) bool, want diag.Msg) error {
	if name != path.Clean(name) || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
		return diag.M(diag.SiteFilePath, "huisstijl/"+path.Base(name))
	}
	if !ok(name) {
		return diag.M(diag.SiteFileKind, want)
	}
	if path.Ext(name) == ".css" {
		info, err := s.Stat(name)
		if err != nil || !info.Mode().IsRegular() {
			return diag.M(diag.NoSuchFile)
		}
		data, err := fs.ReadFile(s.FS, name)
		if err != nil {
			return err
		}
		if loc := activeCSS.FindIndex(data); loc != nil {
			line := 1 + bytes.Count(data[:loc[0]], []byte("\n"))
			return diag.M(diag.CSSActive, line)
		}
		return nil
	}
	return s.CheckMedia(name)
}

// activeCSS matches what makes a style sheet fetch other files or run
// code: imports, url() (fonts and images belong in the content folder's
// media), old script hooks.
var activeCSS = regexp.MustCompile(`(?i)@import|url\s*\(|expression\s*\(|javascript:|behavior\s*:`)

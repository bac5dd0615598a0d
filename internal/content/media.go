package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
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
		return err
	case err != nil || !info.Mode().IsRegular():
		return fmt.Errorf("no such file in the content folder")
	}
	ext := strings.ToLower(path.Ext(name))
	if !slices.Contains(mediaTypes, ext) {
		if ext == "" {
			ext = "without an extension"
		}
		return fmt.Errorf("files %s are not published (only images, documents, audio and video: %s)", ext, strings.Join(mediaTypes, " "))
	}
	if ext == ".svg" {
		data, err := fs.ReadFile(s.FS, name)
		if err != nil {
			return err
		}
		if loc := activeSVG.FindIndex(data); loc != nil {
			line := 1 + bytes.Count(data[:loc[0]], []byte("\n"))
			return fmt.Errorf("the SVG image has script or event handlers (line %d), which would run when it is opened; save it without them", line)
		}
	}
	return nil
}

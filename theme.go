// Package ledenbrief holds the default theme, embedded in the binary so
// that a single file builds a site. The command lives in cmd/ledenbrief and
// the pipeline in internal/.
package ledenbrief

//go:generate go run ./tools/genfold

import "embed"

// Theme holds templates/ and assets/: the HTML templates and the static
// files (style sheets, scripts) of the default theme.
//
//go:embed templates assets
var Theme embed.FS

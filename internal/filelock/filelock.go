// Package filelock takes the lock of a file that one process holds at a
// time: a mirror's copy, the preview's folder in the build cache. The
// system releases it when the process ends, however it ends, so a killed
// run leaves nothing to clean up.
package filelock

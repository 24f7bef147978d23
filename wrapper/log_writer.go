package apify

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"time"
)

// maxLogLine bounds a line a LogWriter holds back; a longer line is logged
// in pieces of this size.
const maxLogLine = 64 << 10

// LogWriter is an io.Writer that logs each line written to it as one
// log/slog record, with the line (without its newline) as the message. Pass
// it to [LogClient.Follow] to send a run's log to your logger:
//
//	lw := apify.NewLogWriter(logger, slog.LevelInfo, slog.String("run", run.ID))
//	err := client.Run(run.ID).Log().Follow(ctx, lw, nil)
//	lw.Close() // logs a last line that had no newline
//
// It is safe for concurrent use.
type LogWriter struct {
	mu      sync.Mutex
	handler slog.Handler
	level   slog.Level
	attrs   []slog.Attr
	partial []byte
}

// NewLogWriter returns a LogWriter that logs lines to logger at level, with
// attrs added to every record.
func NewLogWriter(logger *slog.Logger, level slog.Level, attrs ...slog.Attr) *LogWriter {
	if logger == nil {
		logger = slog.Default()
	}
	return &LogWriter{handler: logger.Handler(), level: level, attrs: attrs}
}

// Write logs every complete line in p and keeps an unfinished last line for
// the next Write. It never fails.
func (w *LogWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.partial = append(w.partial, p...)
			for len(w.partial) >= maxLogLine {
				w.emit(w.partial[:maxLogLine])
				w.partial = append(w.partial[:0], w.partial[maxLogLine:]...)
			}
			break
		}
		if len(w.partial) > 0 {
			w.partial = append(w.partial, p[:i]...)
			w.emit(w.partial)
			w.partial = w.partial[:0]
		} else {
			w.emit(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

// Close logs the unfinished last line, if any. The LogWriter stays usable.
func (w *LogWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.emit(w.partial)
		w.partial = w.partial[:0]
	}
	return nil
}

// emit logs one line (a trailing carriage return removed).
func (w *LogWriter) emit(line []byte) {
	ctx := context.Background()
	if !w.handler.Enabled(ctx, w.level) {
		return
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	r := slog.NewRecord(time.Now(), w.level, string(line), 0)
	r.AddAttrs(w.attrs...)
	_ = w.handler.Handle(ctx, r)
}

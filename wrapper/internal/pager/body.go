package pager

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// bufPool recycles page buffers in typed mode, where nothing keeps a
// reference to the bytes once a page is decoded. Raw mode never recycles: the
// items it yields are slices of the page buffer.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBuf keeps very large page buffers out of the pool.
const maxPooledBuf = 16 << 20

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if b == nil || cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// maxReserve caps the bytes reserved up front for a body: a declared
// Content-Length (or the previous page's size) is a hint about what will
// arrive, never an allocation a server can dictate. Beyond it the buffer grows
// with the bytes that actually arrive.
const maxReserve = 8 << 20

// ErrBodyTooLarge reports a page body longer than Options.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("page body exceeds the size limit")

// readBody appends the body of resp to buf and closes it. sizeHint presizes
// the buffer when the response has no Content-Length (compressed or chunked
// bodies); either way at most maxReserve bytes are reserved before they
// arrive. A body that ends early returns what arrived and the read error; one
// longer than maxBytes (> 0) fails with ErrBodyTooLarge.
func readBody(resp *http.Response, buf []byte, sizeHint int, maxBytes int64) ([]byte, error) {
	defer resp.Body.Close()
	want := sizeHint
	if resp.ContentLength > 0 {
		// +1 so the final Read sees EOF without growing; computed in int64
		// so that no declared length can overflow int.
		want = int(min(resp.ContentLength, maxReserve) + 1)
	}
	want = min(max(want, 0), maxReserve+1)
	if free := cap(buf) - len(buf); want > free {
		grown := make([]byte, len(buf), len(buf)+want)
		copy(grown, buf)
		buf = grown
	}
	start := len(buf)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if maxBytes > 0 && int64(len(buf)-start) > maxBytes {
			return buf[:start], fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, maxBytes)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return buf, nil
			}
			return buf, err
		}
	}
}

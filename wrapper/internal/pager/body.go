package pager

import (
	"errors"
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

// readBody appends the whole body of resp to buf and closes it. sizeHint
// presizes the buffer when the response has no Content-Length (compressed or
// chunked bodies). A body that ends early returns what arrived and the read
// error.
func readBody(resp *http.Response, buf []byte, sizeHint int) ([]byte, error) {
	defer resp.Body.Close()
	want := sizeHint
	if resp.ContentLength > 0 {
		want = int(resp.ContentLength) + 1 // +1 so the final Read sees EOF without growing
	}
	if free := cap(buf) - len(buf); want > free {
		grown := make([]byte, len(buf), len(buf)+want)
		copy(grown, buf)
		buf = grown
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := resp.Body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				return buf, nil
			}
			return buf, err
		}
	}
}

package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// store holds the distinct items, serialized once, joined by commas; a
// dataset of N items repeats them (item j is item j mod len).
type store struct {
	all  []byte
	ends []int // ends[i]: end of item i in all
}

func newStore(n int) *store {
	s := &store{ends: make([]int, n)}
	var b bytes.Buffer
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(makeItem(i))
		s.ends[i] = b.Len()
	}
	s.all = b.Bytes()
	return s
}

// segment returns items lo..hi-1 (0 <= lo < hi <= len) joined by commas.
func (s *store) segment(lo, hi int) []byte {
	start := 0
	if lo > 0 {
		start = s.ends[lo-1] + 1
	}
	return s.all[start:s.ends[hi-1]]
}

// page returns the body segments of items [offset, offset+limit) of a
// dataset of total items.
func (s *store) page(total, offset, limit int) [][]byte {
	n := len(s.ends)
	lo, hi := min(offset, total), min(offset+limit, total)
	var segs [][]byte
	for lo < hi {
		a := lo % n
		b := min(n, a+(hi-lo))
		segs = append(segs, s.segment(a, b))
		lo += b - a
	}
	return segs
}

// serve answers GET /v2/datasets/d<N>/items like the dataset-items endpoint,
// optionally after a fixed delay per request.
func (s *store) handler(delay time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/") // "", v2, datasets, d<N>, items
		if len(parts) != 5 || parts[2] != "datasets" || parts[4] != "items" || !strings.HasPrefix(parts[3], "d") {
			http.Error(w, `{"error":{"type":"record-not-found","message":"no such dataset"}}`, http.StatusNotFound)
			return
		}
		total, err := strconv.Atoi(parts[3][1:])
		if err != nil {
			http.Error(w, `{"error":{"type":"record-not-found","message":"no such dataset"}}`, http.StatusNotFound)
			return
		}
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, err := strconv.Atoi(q.Get("limit"))
		if err != nil || limit <= 0 {
			limit = total
		}
		if delay > 0 {
			time.Sleep(delay)
		}
		segs := s.page(total, offset, limit)
		size := 2 + max(len(segs)-1, 0)
		for _, sg := range segs {
			size += len(sg)
		}
		count := max(0, min(offset+limit, total)-offset)
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(size))
		h.Set("X-Apify-Pagination-Offset", strconv.Itoa(offset))
		h.Set("X-Apify-Pagination-Limit", strconv.Itoa(limit))
		h.Set("X-Apify-Pagination-Count", strconv.Itoa(count))
		h.Set("X-Apify-Pagination-Total", strconv.Itoa(total))
		_, _ = w.Write([]byte{'['})
		for i, sg := range segs {
			if i > 0 {
				_, _ = w.Write([]byte{','})
			}
			_, _ = w.Write(sg)
		}
		_, _ = w.Write([]byte{']'})
	})
}

// runServer serves the store on two loopback ports, one bare and one with
// latency, prints their URLs and serves until killed.
func runServer(items int, latency time.Duration) error {
	s := newStore(items)
	fast, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	slow, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = http.Serve(slow, s.handler(latency)) }()
	fmt.Printf("READY http://%s http://%s %d\n", fast.Addr(), slow.Addr(), len(s.all)/items)
	return http.Serve(fast, s.handler(0))
}

// Command leveldb works on the LevelDB databases of a stopped Fabric node, or on copies of them.
//
//	leveldb compact <dir>...   rewrite each database without what was deleted from it
//	leveldb dump <dir>...      write every live key and value to stdout, each followed by a newline
//
// A Fabric peer keeps its state, private data and transient data in LevelDB, where deleting or
// purging a key only appends a deletion: the old value stays in the journal and in table files
// until a compaction rewrites them. Compacting every key range rewrites each database without
// the values deleted before it, so that erased private data leaves no copy in the peer's files.
// Tables store keys prefix-compressed and blocks Snappy-compressed, so a search of their bytes
// can miss what they hold: dump gives what a database holds, for such a search to read.
// LevelDB lets one process open a database at a time: its node must be stopped.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/util"
)

func compact(dir string) error {
	db, err := leveldb.OpenFile(dir, &opt.Options{ErrorIfMissing: true})
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	// The whole key range: the journal is flushed, then every level merged to the last.
	compacted := db.CompactRange(util.Range{})
	closed := db.Close()
	if compacted != nil {
		return fmt.Errorf("compact %s: %w", dir, compacted)
	}
	if closed != nil {
		return fmt.Errorf("close %s: %w", dir, closed)
	}
	return nil
}

func dump(dir string, out *bufio.Writer) error {
	db, err := leveldb.OpenFile(dir, &opt.Options{ErrorIfMissing: true, ReadOnly: true})
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer db.Close()
	entries := db.NewIterator(nil, nil)
	defer entries.Release()
	for entries.Next() {
		for _, part := range [][]byte{entries.Key(), entries.Value()} {
			if _, err := out.Write(append(part, '\n')); err != nil {
				return err
			}
		}
	}
	if err := entries.Error(); err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	return nil
}

func main() {
	if len(os.Args) < 3 || (os.Args[1] != "compact" && os.Args[1] != "dump") {
		fmt.Fprintln(os.Stderr, "usage: leveldb compact|dump <LevelDB directory>...")
		os.Exit(2)
	}
	out := bufio.NewWriter(os.Stdout)
	for _, dir := range os.Args[2:] {
		var err error
		if os.Args[1] == "compact" {
			err = compact(dir)
		} else {
			err = dump(dir, out)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

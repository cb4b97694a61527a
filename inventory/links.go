package inventory

import (
	"context"
	"fmt"
	"strings"
)

// linkedIDs reads a link table for many rows at once: for each of ids (the
// key column), the linked ids (the value column), in order. One query per
// 500 keys instead of one per row.
func linkedIDs(ctx context.Context, q querier, table, key, val string, ids []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(ids))
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(len(ids), start+500)]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		var rows []struct {
			Key int64 `db:"k"`
			Val int64 `db:"v"`
		}
		query := fmt.Sprintf(`SELECT %s AS k, %s AS v FROM %s WHERE %s IN (?%s) ORDER BY %s, %s`,
			key, val, table, key, strings.Repeat(", ?", len(batch)-1), key, val)
		if err := q.SelectContext(ctx, &rows, q.Rebind(query), args...); err != nil {
			return nil, dbErr(err, "read "+table)
		}
		for _, r := range rows {
			out[r.Key] = append(out[r.Key], r.Val)
		}
	}
	return out, nil
}

// orEmpty is ids, or an empty list for JSON's [] instead of null.
func orEmpty(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

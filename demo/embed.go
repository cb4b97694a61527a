package demo

import _ "embed"

// Workbook is the demo prefecture's inventory as the importer reads it:
// xiangxi.xlsx, written by `hostroll demo --write-workbook demo/xiangxi.xlsx`
// (go generate ./demo) from Generate(Devices).
//
//go:generate go run ../cmd/hostroll demo --write-workbook xiangxi.xlsx
//go:embed xiangxi.xlsx
var Workbook []byte

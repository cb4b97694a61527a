package elevation

// CSS styles a drawing: a page serves it as a static file, a standalone
// SVG carries it inside. The twelve unit colours are told apart in print
// too (each also has its own border shade).
const CSS = `svg.elevation { font-family: "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; font-size: 11px; }
svg.elevation .frame { fill: #f8fafc; stroke: #52606d; stroke-width: 1.5; }
svg.elevation .face-title { text-anchor: middle; font-weight: bold; fill: #1f2933; font-size: 12px; }
svg.elevation .unum { text-anchor: end; fill: #7b8794; font-size: 9px; }
svg.elevation .free { fill: #ffffff; stroke: #e4e7eb; stroke-width: .5; }
svg.elevation a.free-u:hover .free, svg.elevation a.free-u:focus .free { fill: #d9f2e6; stroke: #1a7f37; }
svg.elevation .dev { stroke: #243b53; stroke-width: 1; }
svg.elevation .dev.hint { fill: url(#hatch) !important; stroke-dasharray: 3 2; }
svg.elevation .hatch-line { stroke: #9aa5b1; stroke-width: 2; }
svg.elevation .dev.hidden { fill: #cbd2d9; stroke: #7b8794; }
svg.elevation .dev-name { fill: #102a43; font-size: 11px; pointer-events: none; }
svg.elevation a.device:hover .dev, svg.elevation a.device:focus .dev { stroke: #d64545; stroke-width: 2; }
svg.elevation.compact .frame { stroke-width: 1; }
svg.elevation.compact .dev { stroke-width: .5; }
.u0 { fill: #8fc1e3; } .u1 { fill: #f4c27a; } .u2 { fill: #a8d5a2; } .u3 { fill: #e8a5b8; }
.u4 { fill: #c3b1e1; } .u5 { fill: #f2e394; } .u6 { fill: #9ed9d1; } .u7 { fill: #f5a988; }
.u8 { fill: #b8c9e6; } .u9 { fill: #d7c49e; } .u10 { fill: #c6e29b; } .u11 { fill: #e6b8e0; }
span.swatch { display: inline-block; width: .9em; height: .9em; border: 1px solid #243b53; vertical-align: middle; margin-right: .3em; }
span.swatch.u0 { background: #8fc1e3; } span.swatch.u1 { background: #f4c27a; } span.swatch.u2 { background: #a8d5a2; }
span.swatch.u3 { background: #e8a5b8; } span.swatch.u4 { background: #c3b1e1; } span.swatch.u5 { background: #f2e394; }
span.swatch.u6 { background: #9ed9d1; } span.swatch.u7 { background: #f5a988; } span.swatch.u8 { background: #b8c9e6; }
span.swatch.u9 { background: #d7c49e; } span.swatch.u10 { background: #c6e29b; } span.swatch.u11 { background: #e6b8e0; }
span.swatch.hidden { background: #cbd2d9; } span.swatch.hint { background: repeating-linear-gradient(45deg, #fff 0 3px, #9aa5b1 3px 5px); }
@media print { svg.elevation .free { stroke: #cbd2d9; } svg.elevation .dev { stroke: #000; } }
`

package demo

// The fixed parts of the demo prefecture: its units, rooms, device models and
// carriers. Everything else is generated from these with a fixed seed.

// unitDef is a unit of Xiangxi: code, name, kind, and how many devices it
// hosts (a weight, not a count).
type unitDef struct {
	code, name, kind string
	weight           int
}

// units are the prefecture's departments, its eight counties and cities and
// its development zone. The first is the e-government office, which owns the
// central machine room.
var units = []unitDef{
	{"ZW", "州电子政务办公室", "department", 10},
	{"FG", "州发展和改革委员会", "department", 3},
	{"CZ", "州财政局", "department", 6},
	{"GA", "州公安局", "department", 8},
	{"WJ", "州卫生健康委员会", "department", 6},
	{"JT", "州教育和体育局", "department", 4},
	{"RS", "州人力资源和社会保障局", "department", 6},
	{"ZR", "州自然资源和规划局", "department", 4},
	{"ST", "州生态环境局", "department", 3},
	{"ZJ", "州住房和城乡建设局", "department", 3},
	{"JY", "州交通运输局", "department", 3},
	{"SL", "州水利局", "department", 2},
	{"NY", "州农业农村局", "department", 2},
	{"SW", "州商务局", "department", 2},
	{"WL", "州文化旅游广电局", "department", 3},
	{"YJ", "州应急管理局", "department", 4},
	{"SJ", "州审计局", "department", 2},
	{"SC", "州市场监督管理局", "department", 3},
	{"TJ", "州统计局", "department", 2},
	{"YB", "州医疗保障局", "department", 4},
	{"MZ", "州民政局", "department", 2},
	{"SF", "州司法局", "department", 2},
	{"TY", "州退役军人事务局", "department", 1},
	{"GX", "州工业和信息化局", "department", 2},
	{"LY", "州林业局", "department", 1},
	{"MW", "州民族宗教事务委员会", "department", 1},
	{"XF", "州信访局", "department", 1},
	{"GZW", "州国有资产监督管理委员会", "department", 1},
	{"ZWFW", "州政务服务中心", "department", 4},
	{"GJJ", "州住房公积金管理中心", "department", 3},
	{"JS", "吉首市人民政府", "county", 5},
	{"LX", "泸溪县人民政府", "county", 2},
	{"FH", "凤凰县人民政府", "county", 3},
	{"HY", "花垣县人民政府", "county", 2},
	{"BJ", "保靖县人民政府", "county", 2},
	{"GZ", "古丈县人民政府", "county", 1},
	{"YS", "永顺县人民政府", "county", 2},
	{"LS", "龙山县人民政府", "county", 2},
	{"JK", "湘西经济开发区管委会", "park", 2},
}

// CentralRoom is the name of the prefecture's central machine room.
const CentralRoom = "州政府中心机房"

// roomDef is a unit's own machine room and how many racks it has.
type roomDef struct {
	name, unit, status, address string
	racks                       int
}

// privateRooms are the rooms units keep for themselves (Art. 5 forbids new
// ones): most are active, Fenghuang plans one, the land bureau retired its
// old one.
var privateRooms = []roomDef{
	{"州财政局自建机房", "CZ", "active", "州财政局办公楼负一楼", 4},
	{"州公安局指挥中心机房", "GA", "active", "州公安局指挥中心五楼", 6},
	{"州卫生健康委员会数据机房", "WJ", "active", "州卫健委综合楼二楼", 3},
	{"州人社局社保机房", "RS", "active", "州社保大厦四楼", 3},
	{"吉首市政务机房", "JS", "active", "吉首市政务服务中心三楼", 3},
	{"凤凰县政务机房（规划）", "FH", "planned", "凤凰县政务服务中心", 0},
	{"州自然资源局旧机房", "ZR", "retired", "州自然资源和规划局老办公楼", 0},
}

// centralRacks is how many racks the central room has: rows A to D of ten.
const centralRacks = 40

// model is a device model as sold: who makes it, its kind, height and
// specs, and a plausible price in yuan.
type model struct {
	maker, name, kind string
	u                 int
	cpu, mem, disk    int
	ports             int
	price             float64
	serial            func(n int) string
}

// models are what the prefecture buys, by kind.
var models = map[string][]model{
	"server": {
		{"华为", "FusionServer 2288H V6", "server", 2, 64, 512, 9600, 4, 128000, huaweiSerial("02313DLS")},
		{"浪潮", "NF5280M6", "server", 2, 64, 512, 7680, 4, 98000, inspurSerial},
		{"浪潮", "NF5270M6", "server", 2, 48, 256, 4800, 4, 76000, inspurSerial},
		{"新华三", "UniServer R4900 G5", "server", 2, 56, 384, 7680, 4, 105000, h3cSerial("A3T8")},
		{"曙光", "I620-G30", "server", 2, 48, 384, 9600, 4, 92000, sugonSerial},
		{"联想", "ThinkSystem SR650 V2", "server", 2, 40, 256, 4800, 4, 83000, lenovoSerial},
		{"超聚变", "FusionServer 1288H V6", "server", 1, 32, 256, 2400, 4, 61000, huaweiSerial("02312VHW")},
	},
	"switch": {
		{"华为", "CloudEngine 6881-48S6CQ", "switch", 1, 0, 0, 0, 54, 68000, huaweiSerial("02352HLS")},
		{"华为", "S5735-L48T4X-A1", "switch", 1, 0, 0, 0, 52, 12500, huaweiSerial("02353DPX")},
		{"新华三", "S6850-56HF", "switch", 1, 0, 0, 0, 56, 72000, h3cSerial("A0TG")},
		{"锐捷", "RG-S6510-48VS8CQ", "switch", 1, 0, 0, 0, 56, 59000, ruijieSerial},
	},
	"router": {
		{"华为", "NetEngine AR6280", "router", 3, 0, 0, 0, 12, 46000, huaweiSerial("02351EFT")},
		{"新华三", "SR6608-X", "router", 5, 0, 0, 0, 16, 88000, h3cSerial("A15N")},
	},
	"firewall": {
		{"华为", "HiSecEngine USG6680E", "firewall", 1, 0, 0, 0, 12, 86000, huaweiSerial("02352QBN")},
		{"山石网科", "SG-6000-X9180", "firewall", 2, 0, 0, 0, 16, 152000, hillstoneSerial},
		{"深信服", "AF-2000-FH2100B", "firewall", 1, 0, 0, 0, 8, 48000, sangforSerial},
	},
	"storage": {
		{"华为", "OceanStor 5310", "storage", 2, 0, 0, 96000, 8, 420000, huaweiSerial("02353GUK")},
		{"浪潮", "AS5600G5", "storage", 2, 0, 0, 72000, 8, 360000, inspurSerial},
		{"曙光", "ParaStor300S", "storage", 4, 0, 0, 192000, 8, 560000, sugonSerial},
	},
	"security": {
		{"奇安信", "网神SecGate 3600 NSG-A", "security", 1, 0, 0, 0, 8, 39000, qaxSerial},
		{"启明星辰", "天清汉马USG-FW-12000", "security", 1, 0, 0, 0, 8, 45000, venusSerial},
		{"绿盟科技", "NIPS NX3-N3000", "security", 1, 0, 0, 0, 8, 52000, nsfocusSerial},
	},
	"other": {
		{"华为", "UPS5000-E-60K", "other", 3, 0, 0, 0, 0, 65000, huaweiSerial("02312FHQ")},
	},
}

// carrier is a telecom operator with its circuit prefix and its monthly
// price per Mbit/s of a digital leased line in Xiangxi (yuan).
type carrier struct {
	name, prefix string
	perMbps      float64
}

var carriers = []carrier{
	{"中国电信", "XXCT", 28},
	{"中国移动", "XXCM", 24},
	{"中国联通", "XXCU", 26},
}

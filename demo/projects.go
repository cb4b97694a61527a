package demo

// projectDef is one of the forty demo projects: who leads it, what it is,
// how it is funded, its plan year, how far it has come, its budget (yuan)
// and what its technical plan buys (kind, model index in models, quantity).
type projectDef struct {
	lead, name, category, funding string
	classified                    bool
	year                          int
	status                        string
	budget                        float64
	buys                          []buy
	twist                         string // what makes rules fire, see story.go
}

type buy struct {
	kind  string
	model int
	qty   int
}

// The twists: each makes one rule hold for the project.
const (
	twistOverContract   = "over-contract"             // contract above the budget
	twistCostOverrun    = "cost-overrun"              // settlement 16 % above the budget
	twistLate           = "late-application"          // submitted in December
	twistNoSupervision  = "no-supervision"            // the firm left while implementing
	twistSpecMismatch   = "spec-mismatch"             // one server short of memory
	twistRunning        = "running-before-acceptance" // devices running while implementing
	twistPrivateRoom    = "hosted-outside-central"    // devices in the lead unit's own room
	twistEvalProblem    = "evaluation-problem"        // evaluation found a problem not yet rectified
	twistEvalOK         = "evaluation-ok"             // evaluation met the target
	twistOverdueTrial   = "acceptance-overdue"        // trial run ended long ago
	twistFailedRunning  = "failed-running"            // failed acceptance, devices still active
	twistEvalRectified  = "evaluation-rectified"      // evaluation problem rectified
	twistClassifiedRoom = "classified-room"           // classified: stays in the unit's room
)

const wan = 10_000

var projects = []projectDef{
	{"ZW", "州政务云平台扩容工程", "network_room", "prefecture", false, 2026, "implementing", 320 * wan,
		[]buy{{"server", 1, 6}, {"switch", 0, 2}}, twistOverContract},
	{"CZ", "州财政一体化支付平台", "application", "prefecture", false, 2025, "settled", 185 * wan,
		[]buy{{"server", 4, 4}, {"storage", 0, 1}}, twistCostOverrun},
	{"GA", "公安视频专网建设工程", "security", "higher_level", true, 2026, "trial_run", 560 * wan,
		[]buy{{"server", 0, 6}, {"storage", 2, 2}, {"security", 0, 2}}, twistClassifiedRoom},
	{"WJ", "全民健康信息平台二期", "application", "prefecture", false, 2025, "accepted", 460 * wan,
		[]buy{{"server", 3, 6}, {"storage", 0, 1}}, twistEvalOK + twistPrivateRoom},
	{"RS", "智慧人社一体化平台", "application", "prefecture", false, 2025, "acceptance_failed", 380 * wan,
		[]buy{{"server", 2, 4}, {"firewall", 2, 1}}, twistFailedRunning},
	{"ZR", "不动产登记信息平台升级", "information_resources", "prefecture", false, 2024, "settled", 210 * wan,
		[]buy{{"server", 5, 3}, {"storage", 1, 1}}, ""},
	{"ST", "生态环境监测大数据平台", "information_resources", "higher_level", false, 2025, "accepted", 260 * wan,
		[]buy{{"server", 1, 4}}, ""},
	{"JY", "智慧交通综合指挥平台", "application", "prefecture", false, 2026, "implementing", 290 * wan,
		[]buy{{"server", 3, 4}, {"switch", 2, 1}}, twistLate},
	{"YJ", "应急指挥“一张图”平台", "application", "higher_level", false, 2026, "trial_run", 340 * wan,
		[]buy{{"server", 0, 4}, {"storage", 0, 1}}, ""},
	{"YB", "医保信息平台州级部署", "application", "higher_level", false, 2024, "settled", 150 * wan,
		[]buy{{"server", 2, 3}}, ""},
	{"ZWFW", "政务服务“一网通办”平台", "application", "prefecture", false, 2025, "acceptance_requested", 420 * wan,
		[]buy{{"server", 1, 6}, {"firewall", 0, 1}}, ""},
	{"JT", "教育城域网升级改造", "network_room", "prefecture", false, 2026, "procuring", 230 * wan,
		[]buy{{"switch", 0, 4}, {"router", 0, 2}}, ""},
	{"SC", "智慧市场监管平台", "application", "self", false, 2026, "spec_reviewed", 120 * wan,
		[]buy{{"server", 5, 2}}, ""},
	{"WL", "文旅大数据中心", "information_resources", "self", false, 2027, "submitted", 180 * wan, nil, ""},
	{"FG", "州投资项目在线审批监管平台", "application", "prefecture", false, 2026, "acceptance_requested", 95 * wan,
		[]buy{{"server", 6, 2}}, ""},
	{"JS", "吉首市“雪亮工程”扩容", "security", "prefecture", false, 2026, "implementing", 270 * wan,
		[]buy{{"server", 4, 3}, {"storage", 2, 1}}, twistNoSupervision},
	{"FH", "凤凰县电子政务外网升级", "network_room", "prefecture", false, 2027, "draft", 85 * wan, nil, ""},
	{"LS", "龙山县电子政务外网延伸工程", "network_room", "higher_level", false, 2026, "rejected", 60 * wan, nil, ""},
	{"YS", "永顺县智慧政务服务大厅", "application", "self", false, 2027, "approved", 75 * wan,
		[]buy{{"server", 6, 2}}, ""},
	{"HY", "花垣县矿山安全监测平台", "security", "higher_level", false, 2026, "spec_reviewed", 140 * wan,
		[]buy{{"server", 5, 2}, {"security", 1, 1}}, ""},
	{"BJ", "保靖县政务终端更新", "terminal_equipment", "prefecture", false, 2027, "submitted", 48 * wan, nil, ""},
	{"GZ", "古丈县茶叶质量溯源平台", "information_resources", "self", false, 2027, "draft", 36 * wan, nil, ""},
	{"LX", "泸溪县政务云接入工程", "network_room", "prefecture", false, 2026, "procuring", 52 * wan,
		[]buy{{"switch", 1, 2}, {"firewall", 2, 1}}, ""},
	{"SL", "智慧水利监测预警平台", "information_resources", "higher_level", false, 2025, "accepted", 190 * wan,
		[]buy{{"server", 2, 2}, {"storage", 1, 1}}, ""},
	{"NY", "农村产权交易平台", "application", "prefecture", false, 2026, "rejected", 70 * wan, nil, ""},
	{"GJJ", "住房公积金综合服务平台", "application", "self", false, 2025, "settled", 160 * wan,
		[]buy{{"server", 3, 2}, {"storage", 1, 1}}, twistPrivateRoom},
	{"SJ", "审计数据分析平台", "information_resources", "prefecture", false, 2026, "trial_run", 110 * wan,
		[]buy{{"server", 4, 2}}, ""},
	{"GA", "公安大数据智能化平台", "information_resources", "higher_level", true, 2025, "acceptance_failed", 620 * wan,
		[]buy{{"server", 3, 4}, {"storage", 0, 1}}, twistClassifiedRoom},
	{"ZJ", "智慧工地监管平台", "application", "prefecture", false, 2026, "implementing", 88 * wan,
		[]buy{{"server", 2, 3}}, twistSpecMismatch},
	{"MZ", "社会救助信息平台", "application", "prefecture", false, 2025, "trial_run", 66 * wan,
		[]buy{{"server", 6, 2}}, twistOverdueTrial},
	{"TJ", "统计数据共享平台", "information_resources", "prefecture", false, 2027, "approved", 58 * wan,
		[]buy{{"server", 5, 1}}, ""},
	{"SF", "智慧司法综合平台", "application", "prefecture", false, 2027, "submitted", 92 * wan, nil, ""},
	{"JK", "经开区智慧园区平台", "application", "self", false, 2026, "procuring", 130 * wan,
		[]buy{{"server", 4, 2}, {"switch", 3, 1}}, ""},
	{"ZW", "电子政务外网安全防护体系", "security", "prefecture", false, 2026, "implementing", 240 * wan,
		[]buy{{"firewall", 1, 2}, {"security", 2, 2}}, twistRunning},
	{"WJ", "州人民医院远程会诊系统", "terminal_equipment", "higher_level", false, 2026, "acceptance_requested", 170 * wan,
		[]buy{{"server", 5, 2}}, ""},
	{"CZ", "州财政预算绩效管理系统", "application", "prefecture", false, 2027, "approved", 88 * wan,
		[]buy{{"server", 4, 2}}, ""},
	{"SW", "电子商务公共服务平台", "application", "self", false, 2027, "draft", 45 * wan, nil, ""},
	{"XF", "网上信访系统升级", "application", "higher_level", false, 2024, "accepted", 55 * wan,
		[]buy{{"server", 6, 1}}, ""},
	{"ZW", "州政务数据共享交换平台", "information_resources", "prefecture", false, 2025, "settled", 280 * wan,
		[]buy{{"server", 0, 4}, {"storage", 1, 1}}, twistEvalRectified},
	{"RS", "社保卡“一卡通”应用平台", "application", "prefecture", false, 2027, "submitted", 210 * wan, nil, ""},
}

// Supervisor is the supervision firm of the demo projects (Art. 11).
const Supervisor = "湘西信息工程监理有限公司"

// suppliers win the demo's tenders.
var suppliers = []string{"湖南湘楚信息技术有限公司", "浪潮电子信息产业股份有限公司", "华为技术有限公司",
	"新华三技术有限公司", "中科曙光信息产业股份有限公司", "湖南竞网智赢网络技术有限公司"}

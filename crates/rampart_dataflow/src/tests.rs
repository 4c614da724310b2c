//! Engine tests on hand-built IR (the shapes the Python and JS lowerings produce).

use super::*;
use rampart_core::{Language, Span};
use rampart_ir::{
    Arg, BinOp, Callee, Const, Function, FunctionBuilder, Import, InstKind, Operand, Param,
    ParamKind, Terminator, UnOp, VarId,
};
use std::sync::Arc;

const MODELS: &str = r#"
[[sources]]
path = "flask.request.args"

[[sources]]
path = "express.Request.query"

[[sinks]]
path = "os.system"
class = "command"
args = [0]

[[sinks]]
path = "*.execute"
class = "sql"
args = [0]

[[sinks]]
path = "express.Response.send"
class = "xss"

[[sinks]]
path = "*.find"
class = "nosql"
args = [0]
when_imported = ["pymongo"]

[[sanitizers]]
path = "shlex.quote"
classes = ["command"]

[[sanitizers]]
path = "html.escape"
classes = ["xss"]

[[guards]]
path = "re.fullmatch"
arg = 1
classes = ["all"]

[[noreturn]]
path = "flask.abort"

[[returns]]
path = "express"
type = "express.Application"

[[entries]]
call = "express.Application.get"
callbacks = 1
param_types = ["express.Request", "express.Response"]
"#;

fn models() -> Models {
    let mut m = Models::default();
    m.add_text("test", MODELS).unwrap();
    m
}

fn sp(line: u32) -> Span {
    Span {
        start_line: line,
        start_col: 1,
        end_line: line,
        end_col: 10,
        start_byte: line * 100,
        end_byte: line * 100 + 10,
    }
}

/// A tiny function builder DSL; every instruction gets its own line.
struct F {
    b: FunctionBuilder,
    line: u32,
}

impl F {
    fn new(name: &str, qualified: &str) -> F {
        F {
            b: FunctionBuilder::new(name, qualified, sp(1)),
            line: 1,
        }
    }
    fn sp(&mut self) -> Span {
        self.line += 1;
        sp(self.line)
    }
    fn param(&mut self, name: &str) -> VarId {
        let s = self.sp();
        self.b.add_param(Param {
            name: name.into(),
            var: 0,
            ty: None,
            kind: ParamKind::Normal,
            default: None,
            decorators: Vec::new(),
            span: s,
        })
    }
    fn emit(&mut self, kind: InstKind) {
        let s = self.sp();
        self.b.emit(kind, s);
    }
    fn global(&mut self, path: &str) -> VarId {
        let dst = self.b.temp();
        self.emit(InstKind::Global {
            dst,
            path: path.into(),
        });
        dst
    }
    fn load(&mut self, obj: VarId, field: &str) -> VarId {
        let dst = self.b.temp();
        self.emit(InstKind::Load {
            dst,
            obj,
            field: field.into(),
        });
        dst
    }
    fn call(&mut self, callee: Callee, args: Vec<Operand>) -> VarId {
        let dst = self.b.temp();
        self.emit(InstKind::Call {
            dst: Some(dst),
            callee,
            args: args
                .into_iter()
                .map(|value| Arg {
                    value,
                    keyword: None,
                    spread: false,
                })
                .collect(),
        });
        dst
    }
    fn path(&mut self, p: &str, args: Vec<Operand>) -> VarId {
        self.call(Callee::Path(p.into()), args)
    }
    fn method(&mut self, receiver: VarId, name: &str, args: Vec<Operand>) -> VarId {
        self.call(
            Callee::Method {
                receiver,
                name: name.into(),
            },
            args,
        )
    }
    fn local(&mut self, name: &str, src: Operand) -> VarId {
        let dst = self.b.lookup_or_declare(name);
        self.emit(InstKind::Assign { dst, src });
        dst
    }
    fn concat(&mut self, parts: Vec<Operand>) -> VarId {
        let dst = self.b.temp();
        self.emit(InstKind::Concat { dst, parts });
        dst
    }
    /// `request.args.get("q")`
    fn flask_arg(&mut self) -> VarId {
        let r = self.global("flask.request");
        let a = self.load(r, "args");
        let v = self.method(a, "get", vec![s("q")]);
        self.local("q", var(v))
    }
    fn ret(mut self, v: Option<VarId>) -> Function {
        self.b.terminate(Terminator::Return(v.map(Operand::Var)));
        self.b.finish()
    }
}

fn s(text: &str) -> Operand {
    Operand::Const(Const::Str(text.into()))
}

fn var(v: VarId) -> Operand {
    Operand::Var(v)
}

fn module(name: &str, functions: Vec<Function>, imports: Vec<(&str, &str)>) -> Module {
    let mut all = vec![FunctionBuilder::new("<module>", name, sp(1)).finish()];
    all.extend(functions);
    Module {
        path: format!("{}.py", name.replace('.', "/")),
        language: Language::Python,
        name: name.into(),
        imports: imports
            .into_iter()
            .map(|(l, t)| Import {
                local: l.into(),
                target: t.into(),
                whole_module: false,
                span: sp(1),
            })
            .collect(),
        exports: Vec::new(),
        classes: Vec::new(),
        functions: all,
        text: Arc::from(" ".repeat(20_000).as_str()),
    }
}

fn run(modules: &[Module]) -> Vec<TaintFlow> {
    analyze(modules, &models(), &ProjectSettings::default()).flows
}

#[test]
fn direct_flow_into_a_sink() {
    let mut f = F::new("view", "app.view");
    let q = f.flask_arg();
    let cmd = f.concat(vec![s("ls "), var(q)]);
    f.path("os.system", vec![var(cmd)]);
    let flows = run(&[module("app", vec![f.ret(None)], vec![])]);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].class, VulnClass::Command);
    assert_eq!(flows[0].function, "app.view");
    assert!(flows[0].steps.len() >= 3, "{:?}", flows[0].steps);
    assert!(flows[0].steps.iter().any(|s| s.message.contains("`q`")));
}

#[test]
fn a_wildcard_sink_with_when_imported_needs_that_import_somewhere() {
    let view = || {
        let mut f = F::new("view", "app.view");
        let q = f.flask_arg();
        let finder = f.global("app.finder");
        f.method(finder, "find", vec![var(q)]);
        f.ret(None)
    };
    // No MongoDB driver in the project: `finder.find(q)` is no query.
    assert!(run(&[module("app", vec![view()], vec![])]).is_empty());
    // The driver imported by another module of the project.
    let db = module("db", vec![], vec![("MongoClient", "pymongo.MongoClient")]);
    let flows = run(&[module("app", vec![view()], vec![]), db]);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].class, VulnClass::Nosql);
}

#[test]
fn sanitizers_are_per_class() {
    for (sanitizer, expected) in [("shlex.quote", 0), ("html.escape", 1)] {
        let mut f = F::new("view", "app.view");
        let q = f.flask_arg();
        let clean = f.path(sanitizer, vec![var(q)]);
        let cmd = f.concat(vec![s("ls "), var(clean)]);
        f.path("os.system", vec![var(cmd)]);
        let flows = run(&[module("app", vec![f.ret(None)], vec![])]);
        assert_eq!(flows.len(), expected, "{sanitizer}");
    }
}

#[test]
fn numeric_cast_kills_taint() {
    let mut f = F::new("view", "app.view");
    let q = f.flask_arg();
    let n = f.b.temp();
    f.emit(InstKind::Convert {
        dst: n,
        ty: "int".into(),
        src: var(q),
    });
    let sql = f.concat(vec![s("SELECT * FROM t WHERE id = "), var(n)]);
    let cur = f.global("app.db.cursor");
    f.method(cur, "execute", vec![var(sql)]);
    assert!(run(&[module("app", vec![f.ret(None)], vec![])]).is_empty());
}

#[test]
fn constant_sql_built_with_plus_is_clean() {
    let mut f = F::new("view", "app.view");
    let sql = f.concat(vec![s("SELECT * FROM t "), s("WHERE a = 1")]);
    let cur = f.global("app.db.cursor");
    f.method(cur, "execute", vec![var(sql)]);
    assert!(run(&[module("app", vec![f.ret(None)], vec![])]).is_empty());
}

#[test]
fn flows_through_a_helper_in_another_file() {
    // app/util.py: def run(cmd): os.system("sh -c " + cmd)
    let mut h = F::new("run", "app.util.run");
    let cmd = h.param("cmd");
    let full = h.concat(vec![s("sh -c "), var(cmd)]);
    h.path("os.system", vec![var(full)]);
    let util = module("app.util", vec![h.ret(None)], vec![]);
    // app/views.py: from .util import run; run(request.args.get("q"))
    let mut f = F::new("view", "app.views.view");
    let q = f.flask_arg();
    f.path("app.util.run", vec![var(q)]);
    let views = module(
        "app.views",
        vec![f.ret(None)],
        vec![("run", "app.util.run")],
    );
    let flows = run(&[views, util]);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].function, "app.util.run");
    assert_eq!(flows[0].sink.location.path, "app/util.py");
    assert_eq!(flows[0].source.location.path, "app/views.py");
    assert!(flows[0].steps.iter().any(|s| s.message.contains("`run`")));
}

#[test]
fn helper_return_values_carry_taint_and_sanitizers() {
    // def get(): return request.args.get("q")   /   def clean(x): return shlex.quote(x)
    let mut g = F::new("get", "app.get");
    let q = g.flask_arg();
    let get = g.ret(Some(q));
    let mut c = F::new("clean", "app.clean");
    let x = c.param("x");
    let y = c.path("shlex.quote", vec![var(x)]);
    let clean = c.ret(Some(y));
    for (use_clean, expected) in [(false, 1), (true, 0)] {
        let mut f = F::new("view", "app.view");
        let mut v = f.path("app.get", vec![]);
        if use_clean {
            v = f.path("app.clean", vec![var(v)]);
        }
        f.path("os.system", vec![var(v)]);
        let m = module("app", vec![get.clone(), clean.clone(), f.ret(None)], vec![]);
        assert_eq!(run(&[m]).len(), expected, "clean={use_clean}");
    }
}

#[test]
fn constant_keys_are_precise() {
    for (key, expected) in [("id", 0), ("name", 1)] {
        let mut f = F::new("view", "app.view");
        let q = f.flask_arg();
        let d = f.b.temp();
        f.emit(InstKind::MakeMap {
            dst: d,
            entries: vec![
                (Some("name".into()), var(q)),
                (Some("id".into()), Operand::Const(Const::Int(5))),
            ],
        });
        let v = f.b.temp();
        f.emit(InstKind::LoadIndex {
            dst: v,
            obj: d,
            key: s(key),
        });
        f.path("os.system", vec![var(v)]);
        assert_eq!(
            run(&[module("app", vec![f.ret(None)], vec![])]).len(),
            expected,
            "{key}"
        );
    }
}

#[test]
fn guard_with_abort_sanitizes_after() {
    // if not re.fullmatch(r"[a-z]+", q): abort(400)
    // os.system("ls " + q)
    let mut f = F::new("view", "app.view");
    let q = f.flask_arg();
    let m = f.path("re.fullmatch", vec![s("[a-z]+"), var(q)]);
    let not = f.b.temp();
    f.emit(InstKind::UnOp {
        dst: not,
        op: UnOp::Not,
        operand: var(m),
    });
    let then = f.b.new_block();
    let after = f.b.new_block();
    f.b.terminate(Terminator::Branch {
        cond: var(not),
        then,
        otherwise: after,
    });
    f.b.switch_to(then);
    f.path("flask.abort", vec![Operand::Const(Const::Int(400))]);
    f.b.terminate(Terminator::Goto(after));
    f.b.switch_to(after);
    let cmd = f.concat(vec![s("ls "), var(q)]);
    f.path("os.system", vec![var(cmd)]);
    assert!(run(&[module("app", vec![f.ret(None)], vec![])]).is_empty());
}

#[test]
fn allow_list_membership_sanitizes_the_guarded_branch() {
    let mut f = F::new("view", "app.view");
    let q = f.flask_arg();
    let allowed = f.global("app.ALLOWED");
    let c = f.b.temp();
    f.emit(InstKind::BinOp {
        dst: c,
        op: BinOp::In,
        lhs: var(q),
        rhs: var(allowed),
    });
    let then = f.b.new_block();
    let other = f.b.new_block();
    f.b.terminate(Terminator::Branch {
        cond: var(c),
        then,
        otherwise: other,
    });
    f.b.switch_to(then);
    f.path("os.system", vec![var(q)]);
    f.b.terminate(Terminator::Return(None));
    f.b.switch_to(other);
    let cmd = f.concat(vec![s("echo "), var(q)]);
    f.path("os.system", vec![var(cmd)]);
    let flows = run(&[module("app", vec![f.ret(None)], vec![])]);
    assert_eq!(flows.len(), 1, "only the unguarded branch");
}

#[test]
fn dead_branches_are_pruned() {
    let mut f = F::new("view", "app.view");
    let q = f.flask_arg();
    let then = f.b.new_block();
    let after = f.b.new_block();
    f.b.terminate(Terminator::Branch {
        cond: Operand::Const(Const::Bool(false)),
        then,
        otherwise: after,
    });
    f.b.switch_to(then);
    f.path("os.system", vec![var(q)]);
    f.b.terminate(Terminator::Goto(after));
    f.b.switch_to(after);
    assert!(run(&[module("app", vec![f.ret(None)], vec![])]).is_empty());
}

#[test]
fn recursion_terminates_and_still_finds_flows() {
    // def walk(x): walk(x); os.system(x)
    let mut w = F::new("walk", "app.walk");
    let x = w.param("x");
    w.path("app.walk", vec![var(x)]);
    w.path("os.system", vec![var(x)]);
    let mut f = F::new("view", "app.view");
    let q = f.flask_arg();
    f.path("app.walk", vec![var(q)]);
    let flows = run(&[module("app", vec![w.ret(None), f.ret(None)], vec![])]);
    assert_eq!(flows.len(), 1);
}

#[test]
fn express_handler_params_are_typed_by_the_entry_model() {
    // const app = express(); app.get("/", (req, res) => res.send(req.query.name))
    let mut h = F::new("<anon>", "src/app.<anon@3:1>");
    let req = h.param("req");
    let res = h.param("res");
    let qy = h.load(req, "query");
    let name = h.load(qy, "name");
    h.method(res, "send", vec![var(name)]);
    let mut handler = h.ret(None);
    handler.parent = Some(0);

    let mut top = F::new("<module>", "src/app");
    let app = top.path("express", vec![]);
    let app = top.local("app", var(app));
    let fr = top.b.temp();
    top.emit(InstKind::FuncRef { dst: fr, func: 1 });
    top.method(app, "get", vec![s("/"), var(fr)]);
    let top = top.ret(None);
    let m = Module {
        path: "src/app.js".into(),
        language: Language::JavaScript,
        name: "src/app".into(),
        imports: vec![],
        exports: vec![],
        classes: vec![],
        functions: vec![top, handler],
        text: Arc::from(" ".repeat(20_000).as_str()),
    };
    let flows = run(&[m]);
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].class, VulnClass::Xss);
    assert_eq!(
        flows[0].entry.as_deref(),
        Some("express.Application.get(\"/\")")
    );
}

#[test]
fn module_exports_can_be_entry_points() {
    // pages/api/proxy.js: export default async function handler(req, res) { fetch(req.query.url) }
    let mut h = F::new("handler", "pages/api/proxy.handler");
    let req = h.param("req");
    h.param("res");
    let q = h.load(req, "query");
    let url = h.load(q, "url");
    h.path("fetch", vec![var(url)]);
    let handler = h.ret(None);
    let m = Module {
        path: "pages/api/proxy.js".into(),
        language: Language::JavaScript,
        name: "pages/api/proxy".into(),
        imports: vec![],
        exports: vec![rampart_ir::Export {
            name: "default".into(),
            local: "handler".into(),
            from: None,
        }],
        classes: vec![],
        functions: vec![
            FunctionBuilder::new("<module>", "pages/api/proxy", sp(1)).finish(),
            handler,
        ],
        text: Arc::from(" ".repeat(20_000).as_str()),
    };
    let mut models = models();
    models
        .add_text(
            "next",
            r#"
[[entries]]
module = "/pages/api/"
exports = ["default"]
param_types = ["next.NextApiRequest", "next.NextApiResponse"]

[[sources]]
path = "next.NextApiRequest.query"

[[sinks]]
path = "fetch"
class = "ssrf"
args = [0]
"#,
        )
        .unwrap();
    let flows = analyze(&[m], &models, &ProjectSettings::default()).flows;
    assert_eq!(flows.len(), 1);
    assert_eq!(flows[0].class, VulnClass::Ssrf);
}

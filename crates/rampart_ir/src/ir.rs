//! IR data types. Everything a frontend needs to express fits in a handful of instructions
//! (see DESIGN.md): assignments, field and element loads/stores, string building, calls,
//! operators, and branches. Anything else lowers to `Unknown`, which propagates taint.

use rampart_core::{Language, Span};
use serde::Serialize;

/// Index of a local variable (parameters, named locals and temporaries) in a function.
pub type VarId = u32;
/// Index of a basic block in a function.
pub type BlockId = u32;
/// Index of a function in its module.
pub type FuncId = u32;
/// Index of a class in its module.
pub type ClassId = u32;

/// One source file, lowered.
#[derive(Debug, Clone, Serialize)]
pub struct Module {
    /// Path relative to the scan root, forward slashes.
    pub path: String,
    pub language: Language,
    /// Qualified name of the module: `app.views` (Python), `src/routes/users` (JS, path without
    /// extension), the package for Java/Go (`com.acme.web`), the namespace for C#.
    pub name: String,
    pub imports: Vec<Import>,
    /// Names this module exports (JS `export`, `module.exports`); Python/Java/Go export every top-level name.
    pub exports: Vec<Export>,
    pub classes: Vec<Class>,
    /// `functions[0]` is the module's top level (Python/JS script body, Go package init, C# top-level statements).
    pub functions: Vec<Function>,
    /// The file's text, kept so findings can quote the code a span covers (the syntax tree is
    /// dropped after lowering; the text is far smaller).
    #[serde(skip)]
    pub text: std::sync::Arc<str>,
}

impl Module {
    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        self.text.get(span.byte_range()).unwrap_or("")
    }
}

/// `local` names `target` in this module: `from flask import request` gives
/// `request -> flask.request`; `const db = require('./db')` gives `db -> ./db` (relative
/// specifiers are resolved against the module when linking).
#[derive(Debug, Clone, Serialize)]
pub struct Import {
    pub local: String,
    pub target: String,
    /// `import * as x` / `import x` of a whole module (as opposed to one member).
    pub whole_module: bool,
    pub span: Span,
}

/// `export { local as name }`, `export default local`, `module.exports.name = local`,
/// `export * from './x'` (name `*`, `from` set).
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub name: String,
    pub local: String,
    pub from: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Class {
    pub name: String,
    /// Module name + class name (nested classes joined with `.`).
    pub qualified_name: String,
    /// Base classes and implemented interfaces, resolved through imports where possible.
    pub bases: Vec<String>,
    pub is_interface: bool,
    pub methods: Vec<FuncId>,
    pub fields: Vec<Field>,
    pub decorators: Vec<Decorator>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: String,
    pub ty: Option<String>,
    pub is_static: bool,
    /// `final`/`readonly`/`const` (a constant when initialized with a constant).
    pub is_final: bool,
    /// The initializer when it is a constant.
    pub init: Option<Const>,
    pub decorators: Vec<Decorator>,
    pub span: Span,
}

/// A decorator, annotation or attribute: `@app.route("/x", methods=["POST"])`,
/// `@RequestParam("id")`, `[HttpPost("/x")]`, `[Authorize]`.
#[derive(Debug, Clone, Serialize)]
pub struct Decorator {
    /// Dotted name with its root resolved through imports (`flask.Flask.route` is not known
    /// statically; `app.route` stays `app.route` unless `app` is an import).
    pub name: String,
    pub args: Vec<DecoratorArg>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct DecoratorArg {
    pub keyword: Option<String>,
    pub value: DecoratorValue,
}

#[derive(Debug, Clone, Serialize)]
pub enum DecoratorValue {
    Const(Const),
    List(Vec<DecoratorValue>),
    /// Any other expression, as dotted text (`Role.ADMIN`, `login_required`).
    Expr(String),
}

#[derive(Debug, Clone, Serialize)]
pub struct Function {
    pub name: String,
    /// `app.views.get_user`, `app.views.UserView.get`, `src/routes/users.<anon@12:5>`.
    pub qualified_name: String,
    pub params: Vec<Param>,
    pub decorators: Vec<Decorator>,
    /// Declared return type, resolved through imports where possible.
    pub return_type: Option<String>,
    /// The class this is a method of.
    pub class: Option<ClassId>,
    pub is_static: bool,
    pub is_constructor: bool,
    /// Declared with an access level narrower than public (a C# member without `public`):
    /// such methods are never framework-routed actions.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub non_public: bool,
    /// The function this one is nested in (lambdas, closures, callbacks): names it does not
    /// bind are looked up there.
    pub parent: Option<FuncId>,
    pub locals: Vec<Local>,
    /// `blocks[0]` is the entry block.
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub name: String,
    /// The local that holds the parameter's value on entry.
    pub var: VarId,
    pub ty: Option<String>,
    pub kind: ParamKind,
    pub default: Option<Const>,
    pub decorators: Vec<Decorator>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamKind {
    /// Positional or keyword.
    Normal,
    KeywordOnly,
    /// `*args`, `...rest`, `params T[]`, `...T`.
    Rest,
    /// `**kwargs`.
    KeywordRest,
    /// The receiver (`self`, `this`), present for methods.
    Receiver,
}

#[derive(Debug, Clone, Serialize)]
pub struct Local {
    /// Source name; temporaries are named `$N`.
    pub name: String,
    /// Declared type, resolved through imports where possible (`java.sql.Statement`).
    pub ty: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub insts: Vec<Inst>,
    pub term: Terminator,
}

#[derive(Debug, Clone, Serialize)]
pub enum Terminator {
    Goto(BlockId),
    /// On `cond` truthy go to `then`, else to `otherwise`.
    Branch {
        cond: Operand,
        then: BlockId,
        otherwise: BlockId,
    },
    /// Multi-way branch on a value (switch statements/expressions); `default` when no case matches.
    Switch {
        value: Operand,
        cases: Vec<(Const, BlockId)>,
        default: BlockId,
    },
    Return(Option<Operand>),
    /// `raise`/`throw`/`abort()`-like exits; guards rely on these.
    Throw(Option<Operand>),
    /// Not yet set during building; never present in a finished function.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Const {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Operand {
    Var(VarId),
    Const(Const),
}

#[derive(Debug, Clone, Serialize)]
pub struct Inst {
    pub kind: InstKind,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub enum InstKind {
    /// `dst = src`
    Assign { dst: VarId, src: Operand },
    /// `dst = <module-level or imported name>`: a global, resolved to its qualified path
    /// (`flask.request`, `os.system`, `app.views.SECRET`, `java.lang.System`).
    Global { dst: VarId, path: String },
    /// `dst = obj.field`
    Load {
        dst: VarId,
        obj: VarId,
        field: String,
    },
    /// `obj.field = src`
    Store {
        obj: VarId,
        field: String,
        src: Operand,
    },
    /// `dst = obj[key]`
    LoadIndex {
        dst: VarId,
        obj: VarId,
        key: Operand,
    },
    /// `obj[key] = src`
    StoreIndex {
        obj: VarId,
        key: Operand,
        src: Operand,
    },
    /// String building: f-strings, template literals, `+` on strings, `%`, `.format`,
    /// `String.format`, `fmt.Sprintf`, interpolation. Parts in order.
    Concat { dst: VarId, parts: Vec<Operand> },
    /// `dst = callee(args)`. `dst` is absent when the result is unused.
    Call {
        dst: Option<VarId>,
        callee: Callee,
        args: Vec<Arg>,
    },
    /// `dst = new Class(args)`; `class` resolved through imports where possible.
    New {
        dst: VarId,
        class: String,
        args: Vec<Arg>,
    },
    /// Arithmetic, comparison and boolean operators (kept for constant folding and guards).
    BinOp {
        dst: VarId,
        op: BinOp,
        lhs: Operand,
        rhs: Operand,
    },
    UnOp {
        dst: VarId,
        op: UnOp,
        operand: Operand,
    },
    /// A list/array/tuple/set literal.
    MakeList { dst: VarId, items: Vec<Operand> },
    /// A dict/object/map literal with constant keys (`None` key: computed or spread).
    MakeMap {
        dst: VarId,
        entries: Vec<(Option<String>, Operand)>,
    },
    /// `dst = <function value>` for lambdas, arrow functions, nested functions, method references.
    FuncRef { dst: VarId, func: FuncId },
    /// Type conversions and checks: `int(x)`, `Number(x)`, `(int) x`, `x as T`, `x.(T)`.
    Convert {
        dst: VarId,
        ty: String,
        src: Operand,
    },
    /// Anything else: the result depends on the operands.
    Unknown { dst: VarId, operands: Vec<Operand> },
}

#[derive(Debug, Clone, Serialize)]
pub enum Callee {
    /// A function named by qualified path: an imported or builtin function (`subprocess.run`,
    /// `eval`), a project function (`app.db.run_query`), a static method (`java.lang.Runtime.getRuntime`).
    Path(String),
    /// `receiver.name(...)`; resolved by the receiver's type or symbolic path during analysis.
    Method { receiver: VarId, name: String },
    /// Calling a value (a callback parameter, a function held in a variable).
    Value(VarId),
}

#[derive(Debug, Clone, Serialize)]
pub struct Arg {
    pub value: Operand,
    /// `f(x=1)`, named arguments in C#.
    pub keyword: Option<String>,
    /// `*args`, `...xs`, `xs...`.
    pub spread: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `in` / `contains` membership.
    In,
    NotIn,
    /// Identity (`is`) and anything else.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnOp {
    Not,
    Neg,
    /// `await`, `typeof`, `void`, `*p`, `&x` and others that pass a value through.
    Other,
}

impl BinOp {
    /// The operator a C-family source symbol denotes (`==`, `&&`, `%`); `Other` for the rest.
    pub fn from_symbol(symbol: &str) -> BinOp {
        match symbol {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            "%" => BinOp::Mod,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<" => BinOp::Lt,
            "<=" => BinOp::Le,
            ">" => BinOp::Gt,
            ">=" => BinOp::Ge,
            "&&" => BinOp::And,
            "||" => BinOp::Or,
            _ => BinOp::Other,
        }
    }
}

impl InstKind {
    /// The variable the instruction defines, if any.
    pub fn dst(&self) -> Option<VarId> {
        match self {
            InstKind::Assign { dst, .. }
            | InstKind::Global { dst, .. }
            | InstKind::Load { dst, .. }
            | InstKind::LoadIndex { dst, .. }
            | InstKind::Concat { dst, .. }
            | InstKind::New { dst, .. }
            | InstKind::BinOp { dst, .. }
            | InstKind::UnOp { dst, .. }
            | InstKind::MakeList { dst, .. }
            | InstKind::MakeMap { dst, .. }
            | InstKind::FuncRef { dst, .. }
            | InstKind::Convert { dst, .. }
            | InstKind::Unknown { dst, .. } => Some(*dst),
            InstKind::Call { dst, .. } => *dst,
            InstKind::Store { .. } | InstKind::StoreIndex { .. } => None,
        }
    }
}

impl Function {
    pub fn local_name(&self, var: VarId) -> &str {
        self.locals
            .get(var as usize)
            .map(|l| l.name.as_str())
            .unwrap_or("?")
    }

    /// Successor blocks of `block`.
    pub fn successors(&self, block: BlockId) -> Vec<BlockId> {
        match self.blocks.get(block as usize).map(|b| &b.term) {
            Some(Terminator::Goto(b)) => vec![*b],
            Some(Terminator::Branch {
                then, otherwise, ..
            }) => vec![*then, *otherwise],
            Some(Terminator::Switch { cases, default, .. }) => {
                let mut v: Vec<BlockId> = cases.iter().map(|(_, b)| *b).collect();
                v.push(*default);
                v
            }
            _ => Vec::new(),
        }
    }
}

//! Snapshot tests of the Python lowering, one per group of constructs.

use rampart_core::Language;
use rampart_syntax::SourceFile;

fn ir(path: &str, src: &str) -> String {
    let file = SourceFile::from_text(path, Language::Python, src);
    let parsed = rampart_syntax::parse(Language::Python, src).expect("python parses");
    let module = rampart_ir::lower(&file, &parsed.tree).expect("python lowers");
    rampart_ir::print::module_to_string(&module)
}

#[test]
fn flask_route() {
    let src = r#"
from flask import Flask, request, abort
import sqlite3
from .db import get_conn

app = Flask(__name__)

@app.route("/users/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int):
    name = request.args.get("name", "")
    q = request.args["q"]
    conn = sqlite3.connect("app.db")
    sql = "SELECT * FROM users WHERE name = '" + name + "' AND id = " + str(user_id)
    cur = conn.cursor()
    cur.execute(sql)
    return f"<h1>Hello {name}</h1>"
"#;
    insta::assert_snapshot!(ir("app/views.py", src));
}

#[test]
fn imports_resolve() {
    let src = r#"
import os
import os.path as osp
import xml.etree.ElementTree as ET
from subprocess import run as sh, PIPE
from . import models
from .db import query
from ..common.util import helper
from pkg.sub import *

def f(p):
    import pickle
    from yaml import load
    osp.join(p, "x")
    sh(p, shell=True)
    helper(p)
    models.User.objects.raw(p)
    undefined_name(p)
    return ET.fromstring(pickle.loads(load(p)))
"#;
    insta::assert_snapshot!(ir("app/api/views.py", src));
}

#[test]
fn package_relative_imports() {
    let src = r#"
from . import views
from .views import index
from .. import settings
"#;
    insta::assert_snapshot!(ir("site/blog/__init__.py", src));
}

#[test]
fn functions_params_decorators() {
    let src = r#"
from uuid import UUID
from typing import Optional, Annotated
from fastapi import FastAPI, Query, Depends
from flask_login import login_required
from .auth import get_current_user

router = FastAPI()

@router.get("/items/{item_id}")
async def read_item(item_id: int, q: Optional[str] = None, *, limit: int = 10,
                    user=Depends(get_current_user), tag: Annotated[str, Query(max_length=5)] = "a"):
    return {"item_id": item_id, "q": q}

@login_required
def varargs(a, b=-1, *args, c: "UUID", d=3.5, **kwargs) -> str | None:
    return None

def items(x: list[int], y: int | None = None) -> dict[str, UUID]:
    pass
"#;
    insta::assert_snapshot!(ir("app/main.py", src));
}

#[test]
fn classes_methods_fields() {
    let src = r#"
from django.db import models
from django.views import View
from django.http import HttpResponse

class Article(models.Model):
    title = models.CharField(max_length=200)
    MAX = 10
    status: str = "draft"

    def __init__(self, title):
        self.title = title
        self.cache = {}

    @staticmethod
    def make(x):
        return Article(x)

    @classmethod
    def build(cls, x):
        return cls(x)

    def render(self):
        return HttpResponse(self.title)

class ArticleView(View):
    def get(self, request, pk):
        a = Article.objects.get(pk=pk)
        return a.render()

    class Meta:
        ordering = ["-id"]
"#;
    insta::assert_snapshot!(ir("blog/views.py", src));
}

#[test]
fn string_building() {
    let src = r#"
def build(name, uid, table, rows):
    a = f"SELECT * FROM {table} WHERE name = '{name}' AND n = {uid:d}"
    b = "SELECT * FROM users WHERE id = %s AND name = '%s'" % (uid, name)
    c = "id = %d" % uid
    d = "x = %(name)s, y = %(n)i" % {"name": name, "n": uid}
    e = "SELECT {} FROM {t} WHERE id={:d}".format(name, uid, t=table)
    g = TEMPLATE.format(name)
    h = "a" "b" 'c'
    i = ", ".join(rows)
    j = name + uid
    k = "prefix" + name + "suffix" + str(uid)
    q = "SELECT *"
    q += " FROM " + table
    q += name
    n = 1
    n += uid
    return a, b, c, d, e, g, h, i, j, k, q, n
"#;
    insta::assert_snapshot!(ir("app/sql.py", src));
}

#[test]
fn control_flow() {
    let src = r#"
import re
from flask import abort, request

SAFE = re.compile(r"^[a-z]+$")

def guarded(x, items):
    if not SAFE.fullmatch(x):
        abort(400)
    elif x in ("a", "b") and len(x) > 1 or x is None:
        x = "fixed"
    else:
        pass
    while x:
        if x == "stop":
            break
        x = x[1:]
    else:
        x = "done"
    for i, item in enumerate(items):
        if item is None:
            continue
        print(i, item)
    try:
        v = int(x)
    except (ValueError, TypeError) as e:
        raise RuntimeError("bad") from e
    except Exception:
        v = 0
    else:
        v += 1
    finally:
        print("done")
    assert v > 0, "positive"
    with open(x) as fh, lock:
        data = fh.read()
    return data if v else None
"#;
    insta::assert_snapshot!(ir("app/flow.py", src));
}

#[test]
fn comprehensions_lambdas_closures() {
    let src = r#"
import os

def outer(rows, prefix):
    names = [r["name"].strip() for r in rows if r]
    pairs = {k: v for k, v in rows.items()}
    total = sum(x * 2 for x in rows)
    key = lambda r: r[prefix]
    def inner(s):
        return prefix + s + os.sep
    if (n := len(names)) > 2:
        return inner(names[0])
    return sorted(names, key=key)
"#;
    insta::assert_snapshot!(ir("app/util.py", src));
}

#[test]
fn destructuring_and_scopes() {
    let src = r#"
counter = 0
CONFIG = {"db": "sqlite"}

def tick(pair, payload):
    global counter
    counter += 1
    a, b = pair
    first, *rest = payload
    (x, y), z = pair
    a, b = b, a
    cfg = CONFIG["db"]
    obj.attr = a
    payload["k"] = b
    data: dict = {}
    data["user"] = {"name": a, **payload}
    del data["user"]
    return counter

def make():
    total = 0
    def inc(n):
        nonlocal total
        total += n
        return total
    return inc
"#;
    insta::assert_snapshot!(ir("app/state.py", src));
}

#[test]
fn async_await_and_match() {
    let src = r#"
import httpx

async def fetch(url, cmd):
    async with httpx.AsyncClient() as client:
        r = await client.get(url)
    async for chunk in r.aiter_bytes():
        yield chunk
    match cmd:
        case {"action": "run", "arg": arg}:
            return arg
        case [first, *others] if first:
            return first
        case Point(x=px):
            return px
        case _:
            return None
"#;
    insta::assert_snapshot!(ir("app/client.py", src));
}

#[test]
fn malformed_input_lowers_without_panic() {
    let sources = [
        "def f(:\n    return request.args[\n",
        "class\n",
        "x = (((((",
        "@app.route(\ndef g(): pass",
        "for in range(3):\n  pass\n",
        "lambda: (yield)",
        "f'{'",
        "try:\nexcept:\n",
        "match x:\n  case {**rest}: pass\n",
        "",
    ];
    for src in sources {
        let out = ir("bad.py", src);
        assert!(out.starts_with("module bad"), "{out}");
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let src = format!("x = {}1{}\n", "(".repeat(3000), ")".repeat(3000));
    let out = ir("deep.py", &src);
    assert!(out.contains("fn#0"));
    let chain = format!("y = a{}\n", " + a".repeat(20000));
    let out = ir("chain.py", &chain);
    assert!(out.contains("fn#0"));
}

#[test]
fn taint_fixtures_lower() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/taint/python");
    let mut stack = vec![root.clone()];
    let mut lowered = 0;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
                let rel = path
                    .strip_prefix(&root)
                    .expect("under root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let out = ir(&rel, &text);
                assert!(
                    !out.contains("unreachable"),
                    "{rel}: unfinished block\n{out}"
                );
                lowered += 1;
            }
        }
    }
    assert!(lowered >= 5, "fixtures found: {lowered}");
}

#[test]
fn spans_match_the_line_index() {
    for src in [
        "def f(x):\n    y = x + 1\n    return g(y)\n",
        "def f(x):\n    s = 'héllo' + x\n    return s.upper()\n",
    ] {
        let file = SourceFile::from_text("m.py", Language::Python, src);
        let parsed = rampart_syntax::parse(Language::Python, src).expect("parses");
        let module = rampart_ir::lower(&file, &parsed.tree).expect("lowers");
        for f in &module.functions {
            for b in &f.blocks {
                for inst in &b.insts {
                    let s = inst.span;
                    let expected = file.span(s.start_byte as usize, s.end_byte as usize);
                    assert_eq!(s, expected, "{src}");
                }
            }
        }
    }
}

#[test]
fn handler_parameters_typed_by_convention() {
    let django = r#"
from django.http import HttpResponse

def view(request, slug):
    return HttpResponse(request.GET["q"])

def helper(data, request):
    return data

class V:
    def get(self, request: "HttpRequest"):
        pass
"#;
    let lambda = r#"
import json

def lambda_handler(event, context):
    return json.loads(event["body"])

def other(event, ctx):
    return event
"#;
    insta::assert_snapshot!(format!(
        "{}\n{}",
        ir("shop/views.py", django),
        ir("handler.py", lambda)
    ));
}

#[test]
fn factory_decorators_name_the_instance_class() {
    let src = r#"
from flask import Flask, Blueprint

def create_app():
    app = Flask(__name__)
    bp = Blueprint("x", __name__)
    helper = make_helper()

    @app.route("/a")
    def a():
        return "a"

    @bp.get("/b")
    def b():
        return "b"

    @helper.wrap
    def c():
        return "c"

    return app
"#;
    insta::assert_snapshot!(ir("shop/factory.py", src));
}

//! Snapshot tests of the Go lowering.

use rampart_core::Language;
use rampart_syntax::SourceFile;

fn lower(path: &str, code: &str) -> String {
    let file = SourceFile::from_text(path, Language::Go, code);
    let parsed = rampart_syntax::parse(Language::Go, code).expect("parses");
    let module = rampart_ir::lower(&file, &parsed.tree).expect("lowers");
    rampart_ir::print::module_to_string(&module)
}

#[test]
fn net_http_handler_with_sql_and_multiple_returns() {
    insta::assert_snapshot!(lower(
        "internal/handlers/users.go",
        r#"package handlers

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
)

const usersTable = "users"

type UserHandler struct {
	DB *sql.DB
}

func (h *UserHandler) Search(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	limit, err := strconv.Atoi(r.FormValue("limit"))
	if err != nil {
		http.Error(w, "bad limit", http.StatusBadRequest)
		return
	}
	query := fmt.Sprintf("SELECT id FROM %s WHERE name = '%s' LIMIT %d", usersTable, name, limit)
	rows, err := h.DB.Query(query)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		rows.Scan(&id)
		fmt.Fprintf(w, "<li>%d</li>", id)
	}
}
"#
    ));
}

#[test]
fn closures_struct_literals_switch_and_range() {
    insta::assert_snapshot!(lower(
        "main.go",
        r#"package main

import (
	"net/http"
	"os/exec"

	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.Default()
	r.GET("/run", func(c *gin.Context) {
		cmd := c.Query("cmd")
		switch cmd {
		case "ls":
			exec.Command("ls").Run()
		default:
			exec.Command("sh", "-c", cmd).Run()
		}
		cookie := &http.Cookie{Name: "session", Value: cmd, Secure: false}
		http.SetCookie(c.Writer, cookie)
		for i, v := range []string{"a", cmd} {
			_ = i
			c.String(200, "x"+v)
		}
	})
	r.Run(":8080")
}
"#
    ));
}

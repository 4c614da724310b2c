"""User service generated for a quick prototype."""
import hashlib
import random
import sqlite3
import subprocess

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["SECRET_KEY"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"

DB_PATH = "users.db"


def get_db():
    return sqlite3.connect(DB_PATH)


def hash_password(password):
    return hashlib.md5(password.encode()).hexdigest()


def make_reset_token():
    return "".join(random.choice("abcdef0123456789") for _ in range(32))


@app.route("/users")
def search_users():
    name = request.args.get("name", "")
    conn = get_db()
    cursor = conn.cursor()
    query = "SELECT id, name, email FROM users WHERE name = '" + name + "'"
    cursor.execute(query)
    return jsonify(cursor.fetchall())


@app.route("/register", methods=["POST"])
def register():
    data = request.get_json()
    conn = get_db()
    conn.execute(
        "INSERT INTO users (name, password) VALUES (?, ?)",
        (data["name"], hash_password(data["password"])),
    )
    conn.commit()
    return jsonify({"reset_token": make_reset_token()})


@app.route("/ping")
def ping():
    host = request.args.get("host")
    output = subprocess.check_output(f"ping -c 1 {host}", shell=True)
    return output


@app.route("/preview")
def preview():
    url = request.args.get("url")
    resp = requests.get(url, verify=False, timeout=5)
    return resp.text


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)

"""The project's HDFS folders, made over WebHDFS, against a fake NameNode."""

from __future__ import annotations

import pytest

from stack.cluster import webhdfs
from stack.errors import StackError
from tests.unit.fake_hadoop_http import FakeHadoopHTTP


@pytest.fixture
def namenode():
    with FakeHadoopHTTP() as server:
        for path in ("/webhdfs/v1/kickback", "/webhdfs/v1/tmp", "/webhdfs/v1/user/alice"):
            server.routes[path] = (200, {"boolean": True})
        yield server


def test_folders_are_made_with_mkdirs_and_tmp_gets_the_sticky_bit(namenode):
    made = webhdfs.make_folders("127.0.0.1", namenode.port, "alice")
    assert made == ["/kickback", "/tmp", "/user/alice"]
    assert namenode.requests == [
        ("PUT", "/webhdfs/v1/kickback?op=MKDIRS&user.name=alice"),
        ("PUT", "/webhdfs/v1/tmp?op=MKDIRS&user.name=alice"),
        ("PUT", "/webhdfs/v1/tmp?op=SETPERMISSION&user.name=alice&permission=1777"),
        ("PUT", "/webhdfs/v1/user/alice?op=MKDIRS&user.name=alice"),
    ]


def test_making_the_folders_again_asks_the_same_and_succeeds(namenode):
    webhdfs.make_folders("127.0.0.1", namenode.port, "alice")
    first = list(namenode.requests)
    webhdfs.make_folders("127.0.0.1", namenode.port, "alice")
    assert namenode.requests == first + first


def test_a_refused_mkdirs_is_one_line_with_the_remote_exception(namenode):
    namenode.routes["/webhdfs/v1/kickback"] = (403, {"RemoteException": {
        "exception": "AccessControlException", "message": "Permission denied: user=alice"}})
    with pytest.raises(StackError) as error:
        webhdfs.make_folders("127.0.0.1", namenode.port, "alice")
    message = str(error.value)
    assert "\n" not in message
    assert "WebHDFS PUT http://127.0.0.1:%d/webhdfs/v1/kickback failed: HTTP 403" % namenode.port in message
    assert "AccessControlException: Permission denied: user=alice" in message


def test_mkdirs_answering_false_is_an_error(namenode):
    namenode.routes["/webhdfs/v1/kickback"] = (200, {"boolean": False})
    with pytest.raises(StackError, match="MKDIRS /kickback answered"):
        webhdfs.mkdirs("127.0.0.1", namenode.port, "/kickback", "alice")


def test_no_namenode_is_an_error():
    with FakeHadoopHTTP() as server:
        port = server.port
    with pytest.raises(StackError, match="no answer"):
        webhdfs.mkdirs("127.0.0.1", port, "/kickback", "alice")


def test_urls_quote_paths_and_parameters():
    url = webhdfs.url("127.0.0.1", 9870, "/user/a b", "MKDIRS", "a b", permission="755")
    assert url == "http://127.0.0.1:9870/webhdfs/v1/user/a%20b?op=MKDIRS&user.name=a+b&permission=755"
    assert webhdfs.url("::1", 9870, "/", "LISTSTATUS", "x").startswith("http://[::1]:9870/webhdfs/v1/?")

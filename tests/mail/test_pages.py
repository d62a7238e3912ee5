"""What people see of the outbox: the admins' page, and the notice while email is off."""

from sqlalchemy import update

from learning.mail import services as mail
from learning.mail.models import OutboxMessage
from tests import factories
from tests.conftest import csrf_token, page


def write(db, count, status):
    for number in range(count):
        mail.queue_mail(f"p{number}@example.org", f"{status} {number}", "Body", "reminder")
    db.session.commit()  # mail is off: each is marked failed
    db.session.execute(update(OutboxMessage).where(OutboxMessage.subject.startswith(status))
                       .values(status=status))
    db.session.commit()


def test_admins_page_the_outbox_newest_first_and_filter_it(client, auth, db):
    factories.make_user("admin@example.org", "admin", name="Ada Admin")
    write(db, 3, "sent")
    write(db, 52, "failed")
    auth.login("admin@example.org")
    users = page(client.get("/admin/users"))
    assert users.find("a", href="/admin/mail")
    soup = page(client.get("/admin/mail"))
    assert soup.select_one("table.outbox caption").get_text(strip=True) == "55 emails"
    subjects = [row.select("td")[1].get_text(strip=True)
                for row in soup.select("table.outbox tbody tr")]
    assert subjects[0] == "failed 51" and len(subjects) == 50
    last = page(client.get("/admin/mail?page=2"))
    assert [row.select("td")[1].get_text(strip=True)
            for row in last.select("table.outbox tbody tr")][-1] == "sent 0"
    sent = page(client.get("/admin/mail?status=sent"))
    assert len(sent.select("table.outbox tbody tr")) == 3
    assert not sent.select("table.outbox form")  # only failed rows have the button
    assert client.get("/admin/mail?status=lost").status_code == 400


def test_a_failed_email_is_sent_again_with_a_post_and_its_token(csrf_app, client, auth, db,
                                                                mail_on):
    factories.make_user("admin@example.org", "admin", name="Ada Admin")
    db.session.commit()
    mail_on.refused.add("gone@example.org")
    message = mail.queue_mail("gone@example.org", "Hello", "Body", "reminder")
    db.session.commit()
    message_id = message.id
    auth.login("admin@example.org")
    soup = page(client.get("/admin/mail?status=failed"))
    assert "550" in soup.select_one("table.outbox td.last-error").get_text()
    assert client.post(f"/admin/mail/{message_id}/retry").status_code == 400
    mail_on.refused.clear()
    response = client.post(f"/admin/mail/{message_id}/retry",
                           data={"csrf_token": csrf_token(client, "/admin/mail")})
    assert response.status_code == 302
    assert [m["To"] for m in mail_on.messages] == ["gone@example.org"]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_facilitators_and_admins_are_told_while_email_is_off(app, client, auth, db):
    factories.make_user("fac@example.org", "facilitator")
    factories.make_user("pat@example.org")
    db.session.commit()
    auth.login("fac@example.org")
    notice = page(client.get("/profile")).select_one(".mail-off")
    assert "Email is off" in notice.get_text()
    assert notice.find("a") is None  # the outbox is the admins'
    app.config["ENV_NAME"] = "development"
    assert "written to the server's log" in page(client.get("/profile")).select_one(
        ".mail-off").get_text()
    app.config["MAIL_SERVER"] = "smtp.example.org"
    assert page(client.get("/profile")).select_one(".mail-off") is None
    app.config["MAIL_SERVER"] = None
    auth.logout()
    auth.login("pat@example.org")
    assert page(client.get("/profile")).select_one(".mail-off") is None

"""Report an Issue: the Moderators group, and Terms/Privacy text that says how reports work.

The Moderators group holds exactly what working the report queue takes: reports
(view, and change, which is "work the queue"), the audit log (view), hiding posts,
comments and member profiles (their own permissions, not "change"), and viewing the
posts, comments and members the reports are about. No user, group or permission
management. Staff status is still set per member (the admin needs it).

The default Terms and Privacy text of 0004 is replaced only where it is still the
default: a page an admin has edited is left alone. The texts are copied here as they
were, so this migration never depends on another migration's module.
"""

from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("accounts", "user", "view_user"),
    ("accounts", "user", "hide_profile"),
    ("posts", "post", "view_post"),
    ("posts", "post", "hide_post"),
    ("posts", "comment", "view_comment"),
    ("posts", "comment", "hide_comment"),
    ("posts", "report", "view_report"),
    ("posts", "report", "change_report"),
    ("posts", "reportevent", "view_reportevent"),
]

OLD_TERMS = """radRounds Radiology Network is a professional network where radiologists, trainees, physicists and technologists read and discuss research. By using the site you agree to these terms.

## What radRounds is
Posts are abstracts of published research, most of them taken from PubMed, the database of the US National Library of Medicine. Each post shows the article's authors, journal citation and copyright line, and links to PubMed and, where there is one, to the publisher through the article's DOI. The full article belongs to its authors and publisher.

## Educational use only
Everything on radRounds, posts and discussion alike, is for education and professional discussion. It is not medical advice, and it is not a substitute for reading the full article or for clinical judgement. Never share anything that could identify a patient.

## Posts via PubMed
Staff and moderators add posts by importing PubMed records (or by typing in an article's details). An imported post is refreshed from PubMed when it is imported again. If something in a post is wrong, report it (see below) and a moderator will correct it, refresh it from PubMed or hide it.

## Your account
- One account per person. Keep your profile truthful: your name, role, subspecialty and institution are shown to everyone.
- The verified mark means staff confirmed your professional identity. Only staff set it.
- Badges are earned through activity on the site; staff may grant or remove them.
- You can download your data and delete your account at any time from your account settings. Posts you added stay on the site, shown as posted by "Former member".

## How reports work
Anyone can tell the moderators about a problem with a post or the site through "Report an Issue" at the foot of every page: wrong or outdated details, copyright concerns, inappropriate content, or anything broken. Moderators review every report, then correct, hide or leave the content as it is. A member whose report the moderators upheld earns the "Sharp eye" badge.

## Conduct
Be respectful and professional. No harassment, spam, advertising outside the Sponsor Ad slot, or content that breaks the law or someone else's rights. Moderators may hide content and staff may close accounts that break these terms.

## Sponsors
The box labelled "Sponsor Ad" shows an advertiser's message. A sponsor does not endorse, and is not endorsed by, radRounds or its members. Sponsor links pass through radRounds so that clicks can be counted (as totals, with nothing about who clicked).

## Changes
We may update these terms; the date of the last change is shown on this page.
"""

NEW_TERMS = """radRounds Radiology Network is a professional network where radiologists, trainees, physicists and technologists read and discuss research. By using the site you agree to these terms.

## What radRounds is
Posts are abstracts of published research, most of them taken from PubMed, the database of the US National Library of Medicine. Each post shows the article's authors, journal citation and copyright line, and links to PubMed and, where there is one, to the publisher through the article's DOI. The full article belongs to its authors and publisher.

## Educational use only
Everything on radRounds, posts and discussion alike, is for education and professional discussion. It is not medical advice, and it is not a substitute for reading the full article or for clinical judgement. Never share anything that could identify a patient.

## Posts via PubMed
Staff and moderators add posts by importing PubMed records (or by typing in an article's details). An imported post is refreshed from PubMed when it is imported again. If something in a post is wrong, report it (see below) and a moderator will correct it, refresh it from PubMed or hide it.

## Your account
- One account per person. Keep your profile truthful: your name, role, subspecialty and institution are shown to everyone.
- The verified mark means staff confirmed your professional identity. Only staff set it.
- Badges are earned through activity on the site; staff may grant or remove them.
- You can download your data and delete your account at any time from your account settings. Posts you added stay on the site, shown as posted by "Former member".

## How reports work
Anyone can tell the moderators that something is wrong: use "Report" beside a post, a comment or a member's profile, or "Report an Issue" at the foot of every page for the site itself or the page you are on. Choose a reason (spam; abusive or offensive; inaccurate or misleading; copyright; patient-identifiable information; broken page or bug; other) and add details if you like: up to 2,000 characters, needed for "other". Members report from their account; visitors give an email address so that the decision can reach them.
- Every report is tracked to a decision. You get a receipt by email at once, and the decision with the moderator's note when it is made. Members also see their reports and what became of them under "Your reports" (/reports/mine/).
- Reporting the same thing again while your report of it is open updates that report instead of opening another.
- A report of patient-identifiable information hides the item at once, and so does a third report of the same item by three different members, until a moderator has decided.
- A moderator reviews each report and either resolves it (action taken, for example the item is hidden or corrected) or dismisses it (no action). Moderators may hide a post, a comment or a member's profile. A hidden profile is not public, and its picture and display name are not shown beside its owner's comments.
- When something of yours is hidden you still see it, with the reason, and we email you a statement of reasons: what was decided, why, and whether it happened automatically. We never tell you who reported it. If you think a decision is wrong, say so through "Report an Issue" and a moderator will look at it again.
- A member whose report the moderators upheld earns the "Sharp eye" badge.
- Misusing reports, for example to have things hidden in bulk, breaks these terms.

## Conduct
Be respectful and professional. No harassment, spam, advertising outside the Sponsor Ad slot, or content that breaks the law or someone else's rights. Moderators may hide content and staff may close accounts that break these terms.

## Sponsors
The box labelled "Sponsor Ad" shows an advertiser's message. A sponsor does not endorse, and is not endorsed by, radRounds or its members. Sponsor links pass through radRounds so that clicks can be counted (as totals, with nothing about who clicked).

## Changes
We may update these terms; the date of the last change is shown on this page.
"""

OLD_PRIVACY = """This page says what radRounds keeps about members and visitors, and why.

## Visitors who do not sign in
- radRounds counts how many different people read each post. To recognise a repeat visit without storing who you are, it combines your network address and your browser's user-agent string into a keyed hash (an HMAC with the site's secret key, of which 32 characters are kept). The address and user-agent themselves are never stored by radRounds. The hash is kept only in the site's cache, for 8 hours, and then deleted. What stays in the database is the number of views of each post, in total and per day.
- Search engines and scripts are not counted.
- radRounds uses no analytics, advertising trackers, third-party fonts or other outside services. Pages load nothing from other sites.
- Like any website, the server that hosts radRounds may keep access logs (address, time, page requested) for security and troubleshooting.

## Members
When you sign up and use radRounds, it keeps:
- your account: username, email address(es) and whether each is confirmed, your password (only as a salted hash, never the password itself), the date you joined and when you last signed in;
- your public profile, whatever you choose to fill in: display name, first and last name, role, subspecialty, institution, city, country, short bio, website, and the verified mark staff may add;
- your profile picture, if you upload one: it is re-encoded into two small squares, so the original file and its embedded data (camera details, location) are never kept;
- two-factor authentication, if you turn it on: your authenticator app's secret and your recovery codes, used only to check the codes you enter;
- the posts you added, the badges you earned, and which posts you have read while signed in and when you first read each (for the "25 posts read" badge);
- emails radRounds sends you (confirmations, password resets, notices), kept in the site's outbox so they can be delivered and retried if your mail server is unavailable.
While you are signed in, a view you make is recognised by your account rather than your address, for the same 8 hours.

## Cookies
Only what the site needs to work: a session cookie when you sign in, a security (CSRF) cookie for forms, and short notices such as "Your profile was saved". No tracking cookies.

## Security measures
Failed sign-ins are counted per address and per account for a few minutes to stop password guessing; these counters live only in the cache.

## Sponsors
The Sponsor Ad slot counts how often each sponsor is shown and clicked, as totals. Nothing about who saw or clicked is kept, except that, to stop one address inflating the counts, a keyed hash of the address is held in the cache for a minute. Sponsors receive no data about you.

## Your choices
- Download everything you entered or posted as a file from Account settings → Download my data.
- Delete your account from Account settings. Your profile, picture, email addresses, badges, reading history and two-factor settings are deleted; posts you added stay, shown as posted by "Former member".
- Questions about your data: use "Report an Issue" at the foot of every page.
"""

NEW_PRIVACY = """This page says what radRounds keeps about members and visitors, and why.

## Visitors who do not sign in
- radRounds counts how many different people read each post. To recognise a repeat visit without storing who you are, it combines your network address and your browser's user-agent string into a keyed hash (an HMAC with the site's secret key, of which 32 characters are kept). The address and user-agent themselves are never stored by radRounds. The hash is kept only in the site's cache, for 8 hours, and then deleted. What stays in the database is the number of views of each post, in total and per day.
- Search engines and scripts are not counted.
- radRounds uses no analytics, advertising trackers, third-party fonts or other outside services. Pages load nothing from other sites.
- Like any website, the server that hosts radRounds may keep access logs (address, time, page requested) for security and troubleshooting.

## Members
When you sign up and use radRounds, it keeps:
- your account: username, email address(es) and whether each is confirmed, your password (only as a salted hash, never the password itself), the date you joined and when you last signed in;
- your public profile, whatever you choose to fill in: display name, first and last name, role, subspecialty, institution, city, country, short bio, website, and the verified mark staff may add;
- your profile picture, if you upload one: it is re-encoded into two small squares, so the original file and its embedded data (camera details, location) are never kept;
- two-factor authentication, if you turn it on: your authenticator app's secret and your recovery codes, used only to check the codes you enter;
- the posts you added, the reports you sent, the badges you earned, and which posts you have read while signed in and when you first read each (for the "25 posts read" badge);
- emails radRounds sends you (confirmations, password resets, notices), kept in the site's outbox so they can be delivered and retried if your mail server is unavailable.
While you are signed in, a view you make is recognised by your account rather than your address, for the same 8 hours.

## Reports
When you report something, radRounds keeps the report: what it is about, the reason and details you gave, when you sent it, and who sent it: your account if you are signed in, or the email address you gave if you are not. Moderators see all of this in order to decide; the person whose content you reported is never told who reported it.
- A visitor's email address is used only to send the receipt and the decision.
- Every step moderators take on a report is kept in its audit log: who, when, and the note they wrote.
- Reports are kept after the decision, as the record of what was decided and why. If you delete your account, your reports stay for that record but are no longer linked to you. Your data download includes your reports.
- To stop floods of reports, reports are counted for an hour and a day per account, and for visitors per keyed hash of the network address and per email address given. These counters live only in the cache.

## Cookies
Only what the site needs to work: a session cookie when you sign in, a security (CSRF) cookie for forms, and short notices such as "Your profile was saved". No tracking cookies.

## Security measures
Failed sign-ins are counted per address and per account for a few minutes to stop password guessing; these counters live only in the cache.

## Sponsors
The Sponsor Ad slot counts how often each sponsor is shown and clicked, as totals. Nothing about who saw or clicked is kept, except that, to stop one address inflating the counts, a keyed hash of the address is held in the cache for a minute. Sponsors receive no data about you.

## Your choices
- Download everything you entered or posted as a file from Account settings → Download my data.
- Delete your account from Account settings. Your profile, picture, email addresses, badges, reading history and two-factor settings are deleted; posts you added stay, shown as posted by "Former member".
- Questions about your data: use "Report an Issue" at the foot of every page.
"""


def create_moderators(apps, schema_editor):
    # Permissions are made after migrations run (post_migrate); a fresh database needs
    # them now, so make them (and their content types) first.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.set(
        [
            Permission.objects.get(
                content_type__app_label=app, content_type__model=model, codename=codename
            )
            for app, model, codename in MODERATOR_PERMISSIONS
        ]
    )


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


def _swap(apps, replacements):
    SitePage = apps.get_model("posts", "SitePage")
    for slug, (old, new) in replacements.items():
        SitePage.objects.filter(slug=slug, body=old).update(body=new)


def update_pages(apps, schema_editor):
    _swap(apps, {"terms": (OLD_TERMS, NEW_TERMS), "privacy": (OLD_PRIVACY, NEW_PRIVACY)})


def restore_pages(apps, schema_editor):
    _swap(apps, {"terms": (NEW_TERMS, OLD_TERMS), "privacy": (NEW_PRIVACY, OLD_PRIVACY)})


class Migration(migrations.Migration):

    dependencies = [
        ("posts", "0008_reports"),
        ("accounts", "0005_profile_hiding"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_moderators, remove_moderators),
        migrations.RunPython(update_pages, restore_pages),
    ]

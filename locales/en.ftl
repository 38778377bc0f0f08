# The bot's fixed messages, English. Short: people read them on small phones.

menu = Hello { $name }! This is the poverty-reduction assistant of { $commune }. What would you like to do?
help-title = Help
menu-short = Type /help to see what you can do.
help = Commands that work at any time: /cancel (stop what you are doing), /back (previous question), /help, /lang (tiếng Việt). Tasks:
help-step = Answer the question below. Type /back to change the previous answer, /cancel to stop.
no-commune = No commune is set up yet. Please tell the commune officer.
try-again = Sorry, the system is busy and nothing was saved. Please send your last message again.
dialogue-gone = The commune changed the task you were doing. Please start again.
busy = You are in the middle of a task. Keep answering, or type /cancel to stop.
cancelled = Cancelled. Nothing you typed was saved.
nothing-to-cancel = Nothing is in progress.
nothing-to-go-back = There is no previous question.
nothing-to-skip = There is no question to skip.
back-first = This is the first question.
lang-set = Switched to English.
err-not-allowed = You are not allowed to do this.
err-unknown-command = Unknown command. Type /help to see the commands.
err-unsupported = The bot only reads text. Please type your answer.
err-contact-not-own = Only your own phone number is accepted. Please type the number.
err-stale-button = That button belongs to an earlier question.
err-cannot-skip = This question is required and cannot be skipped.
err-choice = That is not one of the choices. Type the number or the name of one.
err-choice-ambiguous = Several choices match. Please type the number.
err-yes-no = Please answer yes or no.
err-empty = No answer yet.
err-too-long = The answer is too long (at most { $max } characters).
err-no-text = The answer needs letters or digits.
err-name-chars = A name has letters only, e.g. Nguyễn Văn An.
err-name-short = The name is too short. Type the full name, e.g. Nguyễn Văn An.
err-phone = That is not a valid phone number. Example: 0912 345 678.
err-cccd = A CCCD has exactly 12 digits.
err-date-format = Please type the date as day/month/year, e.g. 15/03/2024.
err-date-impossible = That date does not exist.
err-date-future = That date is in the future.
err-date-year = Type the year with 4 digits, from 1900, e.g. 15/03/2024.
err-number = Please type a number, e.g. 4.
err-range = The number must be from { $min } to { $max }.
err-escape-expired = More than { $months } months have passed since the escape from poverty was recognised (it counted until { $last }), so the household no longer counts as newly escaped. Check the date, or type /back to choose another category.
summary-title = Please check:
summary-ask = Is everything right?
confirm-yes = Yes, save it
confirm-edit = Change an answer
confirm-cancel = Cancel
pick-edit = Which answer do you want to change?
current-answer = (Now: { $value })
skip = Skip
skipped = (skipped)
yes = Yes
no = No
cat-poor = Poor household
cat-near-poor = Near-poor household
cat-newly-escaped = Newly escaped from poverty
disabled-no-household = In no registered household
disabled-saved = Recorded person with a disability #{ $id } { $name } ({ $year }), { $hamlet }, household: { $home }.
disabled-duplicate = { $name } ({ $year }) is already recorded (#{ $id }). Not recorded again.
disabled-people = People with a disability without a stable livelihood
status-claimed = waiting for the hamlet head
status-confirmed = confirmed
status-rejected = rejected
household-saved-claimed = Saved household #{ $id } { $name } ({ $hamlet }). The hamlet head will confirm it and you will be told. Type /mine to see it.
household-saved-own = Saved household #{ $id } { $name } ({ $hamlet }). You registered it, so the culture-social officer will confirm it; you will be told.
household-duplicate = Household { $name } ({ $hamlet }) is already registered as #{ $id }, { $status }. No need to register again.
household-duplicate-checked = A household with this name and phone is already registered. No need to register again; the hamlet head will check it.
notice-duplicate-household = Someone registered household #{ $id } { $name } ({ $hamlet }) again; it is { $status }. Call the household if needed.
household-phone = Household #{ $id } { $name } ({ $hamlet }): { $phone }
household-line = { $category }, { $members } people, phone { $phone }
household-escaped = Escape recognised on { $date }
household-waiting = { $days ->
    [0] Waiting since today
    [1] Waiting 1 day
   *[other] Waiting { $days } days
}
household-status = Status: { $status }
household-reason = Reason: { $reason }
my-households-none = You have not registered a household yet. Type /register to do so.
my-households-title = Households you registered ({ $count }):
notice-new-household = New household waiting for confirmation: #{ $id } { $name } ({ $hamlet }). Type /review { $id } to review it.
notice-household-confirmed = Household #{ $id } { $name } was confirmed.
notice-household-rejected = Household #{ $id } { $name } was rejected. Reason: { $reason }. If needed, correct it and type /register to register again.
review-confirmed = Confirmed household #{ $id } { $name }.
review-rejected = Rejected household #{ $id } { $name }. The registrant will be told.
review-not-found = There is no household #{ $id }.
review-not-yours = Household #{ $id } is not in your hamlet.
review-own = You registered household #{ $id }, so you cannot confirm it yourself. Another hamlet head of the hamlet or the culture-social officer will.
review-already = Household #{ $id } was already reviewed ({ $status }).
share-contact = 📱 Send my phone number
menu-cancel = Stop what you are doing
menu-back = Back to the previous question
menu-lang = Tiếng Việt
cat-other = Other household (not a beneficiary)
err-money = That is not an amount. E.g. 150 triệu, 150tr or 150.000.000.
err-money-above = That is more than { $what } ({ $max }).
err-need-file = Please send a photo or a file (press 📎), not text.
err-join-code = No group has this code. Check the code with the group's leader. { $left ->
    [0] You have no tries left this hour.
    [1] 1 try left this hour.
   *[other] { $left } tries left this hour.
}
err-join-code-format = A group's code has 8 letters and digits, e.g. K7MXQ2PA (no O, I, L, 0 or 1).
err-join-blocked = You typed a wrong group code { $tries } times within an hour. Please try again in { $minutes } minutes, or type /cancel to stop.
err-group-closed = Group "{ $name }" has asked to be established or is established; its members can no longer change.
org-hoi-nong-dan = Farmers' Association
org-hoi-phu-nu = Women's Union
org-doan-thanh-nien = Youth Union
org-hoi-cuu-chien-binh = Veterans' Association
org-none = none
level-none = not recognised
level-commune = Farmers' Association, commune level
level-district = Farmers' Association, district level
level-province = Farmers' Association, province level
level-central = Farmers' Association, central level
member-experienced = experienced producer
member-target = { " " }(beneficiary household)
group-forming = being formed
group-requested = asked to be established, waiting for the commune
group-established = established
group-created = Created group #{ $id } "{ $name }" ({ $hamlet }). Join code: { $code }. Households type /join { $code } to join.
group-line = Represented by: { $org } · Produces: { $product } · { $members } households
group-line-no-org = Produces: { $product } · { $members } households
group-status-line = Status: { $status } · Code: { $code }
group-decision = Decision no. { $no } of { $date }
group-ready = The group meets the rules. The leader types /establish to ask for establishment.
group-not-ready = The group does not meet the rules yet:
missing-members = - { $have } confirmed households; at least { $need } needed
missing-recognised = - { $have } of { $of } recognised as good producers by the Farmers' Association; { $need } needed
missing-target = - { $have } of { $of } beneficiary households (confirmed); { $need } needed
missing-experienced = - { $have } experienced producers; { $need } needed
group-members = Members:
group-joined = Added household { $name } to group "{ $group }" ({ $count } households).
group-already-member = Household { $name } is already in group "{ $group }".
group-not-your-hamlet = You can add only households of your hamlet, to groups of your hamlet.
group-left = Household { $name } left group "{ $group }".
group-cannot-request = Group "{ $group }" cannot ask to be established yet.
group-requested-ok = Sent the request to establish group #{ $id } { $group }. The commune officer will review it; you will be told.
group-established-ok = Recorded the decision establishing group #{ $id } { $group } (no. { $no }, { $date }).
group-returned-ok = Sent back the request of group #{ $id } { $group }. The leader will be told.
notice-group-joined = Household { $name } joined group "{ $group }" (now { $count }). Type /group to see it.
notice-group-left = Household { $name } left group "{ $group }".
notice-group-request = Group #{ $id } { $group } asks to be established. Type /decide { $id } to review it.
notice-group-established = Group "{ $group }" was established by decision no. { $no } of { $date }.
notice-group-returned = The request to establish group "{ $group }" was sent back. Reason: { $reason }
kind-p2-community = Project 2 – community production
kind-p3-agri = Project 3.1 – agricultural production
kind-p2-chain = Project 2 – value-chain linkage
pstatus-submitted = submitted, waiting for appraisal
pstatus-under-appraisal = under appraisal
pstatus-returned = sent back for revision
pstatus-rejected = rejected
pstatus-forwarded = forwarded to { $upper }, waiting for the answer
pstatus-approved = approved
pstatus-not-approved = not approved by { $upper }
pstatus-in-progress = in progress
pstatus-finished = finished
proposal-chain-business-only = Value-chain projects are proposed by a lead business or cooperative. The commune has not recorded you as one's representative.
proposal-needs-contract = A value-chain project needs the linkage contract or cooperation minutes.
proposal-group-not-established = Only a group with an establishing decision can submit a proposal.
proposal-submitted = Submitted proposal #{ $id } "{ $title }". The commune will appraise it; you will be told.
proposal-resubmitted = Resubmitted proposal #{ $id } "{ $title }" after revision.
proposal-not-returned = Proposal #{ $id } was not sent back for revision.
proposal-revise-start = Proposal #{ $id }: change what needs changing, then send it again.
proposal-revise-reason = Proposal #{ $id } was sent back: { $reason }
    Change what needs changing, then send it again.
proposal-bad-step = Proposal #{ $id } is now: { $status }. That step is not possible; possible: { $allowed }.
proposal-needs-comment = A reason is needed.
proposal-moved = Proposal #{ $id } "{ $title }": { $status }.
notice-proposal-submitted = New proposal #{ $id } "{ $title }". Type /proposal { $id } to view it, /act { $id } to act on it.
notice-proposal-moved = Your proposal #{ $id } "{ $title }": { $status }.
notice-proposal-moved-note = Your proposal #{ $id } "{ $title }": { $status }. Note: { $comment }
notice-proposal-returned = Your proposal #{ $id } "{ $title }" was sent back for revision: { $comment }. Type /revise to change and resend it.
proposal-line = #{ $id } { $title } – { $status } – { $days ->
    [0] today
    [1] 1 day
   *[other] { $days } days
}
proposal-by-group = Proposed by group: { $group }
proposal-partners = Lead of the value chain: { $lead }; partners: { $partners }
proposal-detail =
    Product, place: { $place }
    Households: { $households } · Duration: { $months } months
    Total: { $total } · Support: { $support } · Own: { $own }
    Jobs: { $jobs } · Income increase: { $income }
    Rotation: { $rotation } · Training: { $training }
    Status: { $status }
proposal-history = History:
upper-level = the upper level
proposal-decision = Decision no. { $no } of { $date } · Support granted: { $amount }
proposal-earlier-files = Earlier files (replaced in a revision):
proposal-earlier-file = • { $name } – replaced on { $date }
proposal-file-refused = ⚠ The file { $name } did not reach you last time ({ $why }); sent again with this message.
proposal-needs-decision = The decision's number, date and the support granted are needed.
proposal-amount-over = The support granted ({ $amount }) is more than the support requested ({ $support }).
proposal-approved = Recorded: proposal #{ $id } "{ $title }" was approved by decision no. { $no } of { $date }, support { $amount }.
notice-proposal-approved = Your proposal #{ $id } "{ $title }" was approved: decision no. { $no } of { $date }, support { $amount }.
queue-forwarded = Waiting for { $upper } to answer (/act number to record it):
queue-forwarded-line = #{ $id } { $title } – forwarded on { $date }
queue-empty = Nothing is waiting.
queue-title = Waiting for action (oldest first):
queue-groups = Groups asking to be established (/decide number):
queue-group-line = #{ $id } { $group } – { $days ->
    [0] waiting since today
    [1] waiting 1 day
   *[other] waiting { $days } days
}
queue-proposals = Proposals (/act number):
group-meets-rules = The group meets the commune's rules.
chart-title = Confirmed households by hamlet and category – { $commune }, { $day }
chart-people = People with a disability (people)
digest-quiet = Digest { $day }: nothing new.
digest-title = 📋 Digest of { $day } – { $commune }
digest-late = (The digest of { $day }, sent late because the system was down.)
digest-nothing-new = Nothing new since the last digest.
digest-new = New since the last digest:
digest-registered = • Households registered: { $n } ({ $detail })
digest-confirmed = • Households confirmed: { $n }
digest-people = • People with a disability recorded: { $n }
digest-groups = • Groups: { $created } created, { $requested } asked to be established, { $established } established
digest-proposals = • Proposals: { $submitted } submitted, { $moved } moved on or resubmitted
digest-waiting = Waiting for you ({ $n }), oldest first:
digest-days = { $days ->
    [0] today
    [1] 1 day
   *[other] { $days } days
}
digest-deadlines = Deadlines:
deadline-left = { $days ->
    [0] today
   *[other] { $days } days left
}
deadline-overdue = OVERDUE by { $days } days
digest-totals = Totals: { $confirmed } households confirmed, { $waiting } waiting · { $people } people with a disability · { $groups } groups ({ $established } established) · { $proposals } proposals
err-time = That is not a time. E.g. 7:00 or 6h30.
digest-time-set = The digest will come at { $time } every day.
digest-time-set-quiet-off = The digest will come at { $time } every day; none on days with nothing new.
deadline-added = Added deadline #{ $id }: { $title } – { $date }.
deadlines-none = No deadline is open.
deadlines-title = Deadlines (type /done when one is done):
deadline-done = Marked deadline #{ $id } done.
report-ready = The Excel report (phones and CCCD masked):
province-report-ready = Report of the communes of { $province } (Excel, counts only):
pstep-appraise = Start appraisal
pstep-forward = Forward to { $upper }
pstep-return = Send back for revision
pstep-reject = Reject
pstep-approve = Approved by { $upper }
pstep-decline = Not approved by { $upper }
pstep-start = Started
pstep-finish = Finished
proposal-money-over = Support plus own contribution ({ $sum }) is more than the total ({ $total }). Please correct it.
edit-cancelled = Change dropped; your answers are kept.
group-member-updated = Recorded the recognition of household { $name } in group "{ $group }".
member-unchecked = { " " }(declared, waiting for the hamlet head to record it)
proposal-changed = Proposal #{ $id } was just acted on by someone else. Type /act { $id } to see it again.
group-own-decide = You created or lead group #{ $id }, so you cannot decide on it yourself. The culture-social officer or another commune leader will.
proposal-own = You submitted proposal #{ $id }, so you cannot act on it yourself. Another commune officer will.
err-file-unreadable = This photo could not be received (download failed or over 10 MB). Please send it again.
zalo-type-phone = Type the phone number in the chat, e.g. 0912 345 678.
zalo-file-link = 📎 { $name }: download at { $url } (for 7 days)
zalo-file-elsewhere = 📎 { $name }: this file cannot be sent on Zalo yet. See it on Telegram or ask a commune officer.
link-channel = { $channel ->
    [telegram] Telegram
    [zalo] Zalo
    [console] Console
   *[other] { $channel }
}
link-account = { $channel } { $id }
link-code =
    Link code: { $code }
    Within { $minutes } minutes, on the other account (Zalo, Telegram, console…) type: /link { $code }
    The two accounts become one person: roles, households, groups and proposals are kept.
link-code-format = A link code has 8 letters and digits, e.g. /link K7MX-Q2PA (no O, I, L, 0 or 1). Get one with /link on the other account.
link-wrong = That code is wrong.
link-used = That code has been used. Get a new one with /link on the other account.
link-expired = That code has expired (it works for { $minutes } minutes). Get a new one with /link on the other account.
link-tries-left = { $left ->
    [0] You have no tries left this hour.
    [1] 1 try left this hour.
   *[other] { $left } tries left this hour.
}
link-blocked = You typed a wrong code { $tries } times within an hour. Please try again in { $minutes } minutes.
link-own-code = This is this account's own code. Type it on the other account.
link-already = These two accounts are linked already. Type /link to see them.
link-refused = Cannot link: { $reason }.
link-why-commune = the two accounts belong to two different communes
link-why-roles = both accounts were given roles by the commune, and not the same ones. Ask the commune officer to give the roles to one account only, then get a new code
link-refused-notice = Your link code was just typed on { $account }, but the accounts could not be linked: { $reason }.
link-joined = Linked: this account and { $account } are now one person ({ $name }). Roles, households, groups, proposals and any task under way are kept. Notices go to the channel you used last; type /link to see or change.
link-joined-notice = The account { $account } was just linked to you. If this was not you, type /link to unlink it.
link-unlink-option = Unlink { $account }
link-notify-last = Notices: the channel used last
link-notify-channel = Notices: only on { $channel }
link-unlinked = Unlinked { $account }. That account is now a person of its own, with no roles, households or groups.
link-unlinked-notice = This account was unlinked from { $name } (on { $account }). It is now a new person.
link-notify-set-last = Notices and the digest will go to the channel you used last.
link-notify-set = Notices and the digest will go on { $channel }.
link-gone = This account is no longer linked to you. Type /link to see again.
group-hamlet-only = Group "{ $group }" takes only households of { $hamlet }.
group-link = Or send the link: { $link }
group-code-renewed = New code of group "{ $group }": { $code }. The old code no longer works. Households type /join { $code } to join.
name-set = Your name is saved: { $name }.
switch-ask = You are in the middle of "{ $task }". Leave it to open the link (code) you just sent? Answer yes or no.
switch-kept = Going on with the task.
group-code-gone = This group code no longer works. Ask the group's leader for the new one.
# The audit log (/auditlog, giamngheo audit): one entry in a few words.
audit-title = Audit log (newest first):
audit-none = The audit log is empty.
audit-system = system
audit-cli = command line (cli)
audit-household-register = registered household #{ $id }
audit-disabled_person-record = recorded person with a disability #{ $id }
audit-household-confirmed = confirmed household #{ $id }
audit-household-rejected = rejected household #{ $id }
audit-household-view_phone = viewed the phone of household #{ $id }
audit-group-create = created group #{ $id }
audit-group-join = added a household to group #{ $id }
audit-group-recognise = recorded a recognition, group #{ $id }
audit-group-leave = took a household out of group #{ $id }
audit-group-request = asked to establish group #{ $id }
audit-group-establish = established group #{ $id }
audit-group-return = sent group #{ $id } back
audit-proposal-submit = submitted proposal #{ $id }
audit-proposal-resubmit = resubmitted proposal #{ $id }
audit-proposal-appraise = appraised proposal #{ $id }
audit-proposal-forward = forwarded proposal #{ $id }
audit-proposal-return = sent proposal #{ $id } back
audit-proposal-reject = rejected proposal #{ $id }
audit-proposal-approve = recorded the approval of proposal #{ $id }
audit-proposal-decline = recorded that proposal #{ $id } was not approved
audit-proposal-start = started proposal #{ $id }
audit-proposal-finish = finished proposal #{ $id }
audit-deadline-create = added deadline #{ $id }
audit-deadline-done = closed deadline #{ $id }
audit-commune-create = created commune #{ $id }
audit-commune-export = exported the Excel report
audit-province-export = exported the province's Excel report (this commune's counts)
audit-person-grant = gave a role to { $name } #{ $id }
audit-person-digest_time = changed the digest time
audit-person-link_code_issued = asked for a link code
audit-person-link_code_wrong = typed a wrong link code
audit-person-link_code_blocked = blocked from typing link codes
audit-person-link_refused = link refused
audit-person-link_joined = joined an account into { $name } #{ $id }
audit-person-link_absorbed = account joined into another person
audit-person-link_unlinked = unlinked an account
audit-person-link_split = an account left as { $name } #{ $id }
audit-person-notify_channel_set = chose where notices go
audit-invite-invite_issued = made invite #{ $id }
audit-invite-invite_revoked = revoked invite #{ $id }
audit-person-invite_taken = took an invite
audit-person-invite_code_wrong = typed a wrong invite code
audit-person-invite_code_blocked = blocked from typing invite codes
audit-person-role_revoked = took back a role of { $name } #{ $id }
audit-person-join_code_wrong = typed a wrong group code
audit-person-join_code_blocked = blocked from typing group codes
audit-person-set_name = changed their own name
audit-group-renew_code = gave group #{ $id } a new code
audit-other = { $action } { $entity } #{ $id }
audit-reason = reason: { $text }
audit-comment = comment: { $text }
audit-decision = decision no. { $text }
audit-household = household #{ $id }
audit-person = person #{ $id }
audit-masked = phones, CCCD masked
audit-unmasked = phones, CCCD NOT masked
audit-at-time = at { $text }
audit-role = { $role ->
    [hamlet_head] hamlet head
    [culture_officer] culture-social officer
    [agri_officer] agricultural extension officer
    [leader] commune leader
    [org_rep] organisation representative
    [business_rep] business representative
    [upper_level] officer of the { $level }
   *[other] { $role }
}
dialogue-not-allowed = You may no longer do this. The task you were doing has stopped.
role-name = { $role ->
    [hamlet_head] Hamlet head
    [culture_officer] Culture-social officer
    [agri_officer] Agricultural extension officer
    [leader] Commune leader
    [org_rep] Organisation representative
    [business_rep] Business representative
    [upper_level] Officer of the { $level }
   *[other] { $role }
}
invite-issued =
    Invite code, { $role }: { $code }
    Good once, until { $until }. The person invited types /invite { $code } on Zalo, Telegram or the console.
invite-link = Or open on Telegram: { $link }
invite-code-format = An invite code has 8 letters and digits, e.g. /invite ABCD-EFGH (no O, I, L, 0 or 1). The commune's officer gives it to you.
invite-wrong = Wrong invite code.
invite-used = This invite code was used already. Each code works once; ask the commune's officer for a new one.
invite-expired = This invite code has expired (it works for { $days } days). Ask the commune's officer for a new one.
invite-revoked = This invite was revoked. Ask the commune's officer if needed.
invite-blocked = You typed a wrong invite code { $tries } times within an hour. Please try again in { $minutes } minutes.
invite-own = This is an invite you made. Send the code to the person you invite.
invite-other-commune = This invite is for { $other }, but you belong to { $commune } and have { $what } there: a person belongs to one commune. Take the invite on another account (Telegram, Zalo), or ask a commune officer.
invite-held = You hold the role { $role } already.
invite-taken = You now hold the role { $role }. What you can do is below.
invite-taken-notice = { $name } ({ $account }) took your invite: { $role }.
staff-title = People with a role in { $commune }:
staff-none = Nobody yet.
staff-line = { $name }: { $role }, since { $since } ({ $channels })
staff-invites = Invites not taken yet:
staff-invite-line = - { $role }, expires { $until }
revoke-role-option = { $name }: { $role }
revoke-invite-option = Invite { $role } (expires { $until })
revoke-not-done = Nothing was revoked.
revoke-gone = This role or invite is gone. Type /revoke to see again.
revoke-self = You cannot revoke your own role. Ask another officer of the commune.
invite-revoked-done = Invite { $role } revoked. Its code no longer works.
role-revoked-done = Role { $role } of { $name } revoked, effective now.
role-revoked-notice = The commune revoked your role { $role }.
group-commune-wide = whole commune, formed in { $hamlet }
group-all-in = Your household is in group "{ $group }" already.
switch-no-household = You have no household to join with. Finish registering, then open the link or type the code again.
err-year-future = That year has not come yet. Type { $year } or earlier.
err-day-past = That day has passed (today is { $today }). Type today or a later day.
notice-member-rejected = The registration of household { $name } was rejected, so it has left group "{ $group }".
file-not-sent = ⚠ The file { $names } could not be sent ({ $why }). Repeat the command to try again; if it fails again, tell the administrator.
leader-current = (the leader now)
leader-chosen = Recorded: household { $name } leads "{ $group }".
leader-changed = Recorded: household { $name } leads "{ $group }", instead of household { $before }.
leader-already = Household { $name } leads "{ $group }" already.
leader-not-member = The leader is a member household of "{ $group }" that the hamlet head confirmed.
notice-leader-chosen = Your household { $name } was chosen to lead "{ $group }". Type /group to see the group.
notice-leader-replaced = "{ $group }" chose household { $name } as its leader, instead of household { $before }.
notice-group-leader = "{ $group }" is now led by household { $name }.
group-leader-line = Leader: { $name }
group-leader-none = Leader: not chosen yet
audit-group-choose_leader = chose the leader of group #{ $id }
# The upper level (the province's officers): its queue, its answer, its digest.
proposal-of-commune = From { $commune }
upper-line = #{ $id } { $title } – { $commune } – asks { $support } – waiting { $days ->
    [0] since today
    [1] 1 day
   *[other] { $days } days
}
upper-queue-empty = No proposal is waiting for the { $level }'s answer.
upper-queue-title = Waiting for the { $level }'s answer: { $n } proposals of { $communes } communes (oldest first).
upper-queue-line = #{ $id } { $title } – asks { $support } – waiting { $days ->
    [0] since today
    [1] 1 day
   *[other] { $days } days
}
upper-queue-hint = /xemda number: the file · /quyetdinh number: record the answer.
upper-not-found = No proposal #{ $id } is waiting for the { $level }'s answer.
upper-not-waiting = Proposal #{ $id } is now: { $status }. The { $level } records answers only to proposals waiting for one.
notice-upper-approved = The { $level } approved proposal #{ $id } "{ $title }" of { $commune }: decision no. { $no } of { $date }, support { $amount }.
notice-upper-declined = The { $level } did not approve proposal #{ $id } "{ $title }" of { $commune }. Reason: { $comment }
upper-digest-title = 📋 { $Level } digest, { $day } – { $province } ({ $communes } communes)
upper-digest-new = New since the last digest: { $registered } households registered · { $groups } new groups
upper-digest-forwarded = ⏳ Waiting for the { $level }'s answer: { $n } proposals of { $communes } communes, oldest { $days } days ({ $oldest }) – /chocaptren
upper-digest-late = ⚠️ Past a deadline ({ $n } communes): { $names }
upper-digest-idle = 💤 No activity for { $days } days ({ $n } communes): { $names }
upper-digest-by-commune = By commune:
upper-digest-more = … and { $n } more communes
upper-digest-c-registered = { $n } new households
upper-digest-c-groups = groups: { $new } new, { $waiting } asking, { $established } established
upper-digest-c-forwarded = { $n } proposals waiting ({ $days } days)
upper-digest-c-late = { $n } deadlines past
upper-digest-totals = Total: { $established } groups established, { $waiting } waiting to be established

# A newcomer's commune, when the database holds several (dialogue/arrival.rs).
arrive-province = Which province (or city) are you in? Choose a number, or type its name.
arrive-province-type = Which province (or city) are you in? Type its name.
arrive-commune = Which commune (or ward) of { $province } are you in? Choose a number, or type its name, e.g. { $example }.
arrive-commune-type = Which commune (or ward) of { $province } are you in? Type its name, e.g. { $example }.
arrive-several = { $count } places have "{ $typed }" in their name. Choose one:
arrive-too-many = { $count } places have "{ $typed }" in their name. Type a few more letters.
arrive-no-province = No province is called "{ $typed }".
arrive-no-commune = No commune is called "{ $typed }".
arrive-number = There is no { $n } in the list.
arrive-first = First, tell us which commune you are in.
arrive-text-only = Type your commune's name, or choose from the list.
arrive-stale = That list is out of date.
arrive-in = You belong to { $commune } ({ $province }). If that is wrong, ask a commune officer to move you.
holds-households = { $n } households registered
holds-groups = { $n } groups created
holds-proposals = { $n } proposals
holds-roles = { $n } roles
commune-same = You belong to { $commune } already.
commune-moved = You have moved to { $other } ({ $province }). Type /help to see what you can do.
commune-held = You belong to { $commune } and have { $what } there, so you cannot move to { $other }. Ask a commune officer if you need to.
invite-taken-moved = You have moved to { $commune } and now hold the role { $role }. Type /help to see what you can do.
audit-person-moved_commune = moved { $name } #{ $id } to another commune
commune-moved-notice = An officer has moved you to { $commune } ({ $province }). Type /help to see what you can do.
help-commune-code = Commune code: { $code }. A newcomer who types it (Zalo, console) comes straight into this commune.
help-commune-link = Commune code: { $code }. A newcomer who types it (Zalo, console) or opens { $link } comes straight into this commune.
move-done = { $name } has moved to { $commune }. They have been told.
move-held = { $name } has { $what } in this commune, so cannot move: records belong to the commune they were made in.
move-gone = { $name } is no longer in this commune.
help-commune-move = Someone who chose the wrong commune: /movecommune.

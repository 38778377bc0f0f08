# Tin nhắn cố định của bot, tiếng Việt. Ngắn: người dùng đọc trên điện thoại nhỏ.

menu = Xin chào { $name }! Đây là trợ lý giảm nghèo của { $commune }. Bạn muốn làm gì?
help-title = Trợ giúp
menu-short = Gõ /trogiup để xem các việc bạn làm được.
help = Các lệnh dùng được bất cứ lúc nào: /huy (dừng việc đang làm), /quaylai (câu trước), /trogiup, /lang (English). Các việc:
help-step = Trả lời câu hỏi dưới đây. Gõ /quaylai để sửa câu trước, /huy để dừng.
no-commune = Hệ thống chưa có xã nào. Vui lòng báo cán bộ xã.
try-again = Xin lỗi, hệ thống đang bận nên chưa lưu được. Vui lòng gửi lại tin nhắn vừa rồi.
dialogue-gone = Việc bạn đang làm dở đã được xã thay đổi. Vui lòng bắt đầu lại.
busy = Bạn đang làm dở một việc. Trả lời tiếp, hoặc gõ /huy để dừng.
cancelled = Đã hủy. Thông tin vừa nhập không được lưu.
nothing-to-cancel = Không có việc gì đang làm dở.
nothing-to-go-back = Không có câu trước để quay lại.
nothing-to-skip = Không có câu hỏi nào để bỏ qua.
back-first = Đây là câu hỏi đầu tiên.
lang-set = Đã chuyển sang tiếng Việt.
err-not-allowed = Bạn không có quyền làm việc này.
err-unknown-command = Không hiểu lệnh này. Gõ /trogiup để xem các lệnh.
err-unsupported = Bot chỉ đọc được chữ. Vui lòng gõ câu trả lời.
err-contact-not-own = Chỉ nhận số điện thoại của chính bạn. Vui lòng gõ số.
err-stale-button = Nút này thuộc câu hỏi cũ.
err-cannot-skip = Câu này bắt buộc, không bỏ qua được.
err-choice = Không có lựa chọn này. Gõ số hoặc tên của một lựa chọn.
err-choice-ambiguous = Có nhiều lựa chọn khớp. Vui lòng gõ số.
err-yes-no = Vui lòng trả lời Có hoặc Không.
err-empty = Bạn chưa trả lời.
err-too-long = Câu trả lời dài quá (tối đa { $max } ký tự).
err-no-text = Câu trả lời cần có chữ hoặc số.
err-name-chars = Họ tên chỉ gồm chữ cái, ví dụ: Nguyễn Văn An.
err-name-short = Họ tên ngắn quá. Gõ đủ họ và tên, ví dụ: Nguyễn Văn An.
err-phone = Số điện thoại không đúng. Ví dụ: 0912 345 678.
err-cccd = Số CCCD phải có đúng 12 chữ số.
err-date-format = Ngày chưa đúng dạng. Gõ ngày/tháng/năm, ví dụ 15/03/2024.
err-date-impossible = Ngày này không có trên lịch.
err-date-future = Ngày này chưa tới.
err-date-year = Gõ năm đủ 4 số, từ 1900, ví dụ 15/03/2024.
err-number = Vui lòng gõ một số, ví dụ 4.
err-range = Số phải từ { $min } đến { $max }.
err-escape-expired = Đã quá { $months } tháng kể từ ngày công nhận thoát nghèo (chỉ tính đến hết ngày { $last }), nên hộ không còn thuộc diện mới thoát nghèo. Kiểm tra lại ngày, hoặc gõ /quaylai để chọn diện khác.
summary-title = Kiểm tra lại thông tin:
summary-ask = Thông tin đã đúng chưa?
confirm-yes = Đúng, lưu lại
confirm-edit = Sửa một mục
confirm-cancel = Hủy
pick-edit = Bạn muốn sửa mục nào?
current-answer = (Hiện tại: { $value })
skip = Bỏ qua
skipped = (bỏ qua)
yes = Có
no = Không
cat-poor = Hộ nghèo
cat-near-poor = Hộ cận nghèo
cat-newly-escaped = Hộ mới thoát nghèo
disabled-no-household = Không ở hộ nào đã đăng ký
disabled-saved = Đã ghi người khuyết tật #{ $id } { $name } ({ $year }), { $hamlet }, ở hộ: { $home }.
disabled-duplicate = { $name } ({ $year }) đã được ghi (#{ $id }). Không ghi lại.
disabled-people = Người khuyết tật không có sinh kế ổn định
status-claimed = chờ trưởng { $xom } xác nhận
status-confirmed = đã xác nhận
status-rejected = bị từ chối
household-saved-claimed = Đã lưu hộ #{ $id } { $name } ({ $hamlet }). Trưởng { $xom } sẽ xác nhận; bạn sẽ được báo. Gõ /hocuatoi để xem.
household-saved-own = Đã lưu hộ #{ $id } { $name } ({ $hamlet }). Hộ do bạn đăng ký nên công chức Văn hóa – Xã hội sẽ xác nhận; bạn sẽ được báo.
household-duplicate = Hộ { $name } ({ $hamlet }) đã được đăng ký, số #{ $id }, { $status }. Không cần đăng ký lại.
household-duplicate-checked = Hộ có họ tên và số điện thoại này đã được đăng ký. Không cần đăng ký lại; trưởng { $xom } sẽ kiểm tra.
notice-duplicate-household = Có người vừa đăng ký lại hộ #{ $id } { $name } ({ $hamlet }), { $status }. Nếu cần, hãy gọi cho hộ để kiểm tra.
household-phone = Hộ #{ $id } { $name } ({ $hamlet }): { $phone }
household-line = { $category }, { $members } người, ĐT { $phone }
household-escaped = Công nhận thoát nghèo ngày { $date }
household-waiting = { $days ->
    [0] Chờ từ hôm nay
   *[other] Chờ { $days } ngày
}
household-status = Trạng thái: { $status }
household-reason = Lý do: { $reason }
my-households-none = Bạn chưa đăng ký hộ nào. Gõ /dangky để đăng ký.
my-households-title = Hộ bạn đã đăng ký ({ $count }):
notice-new-household = Hộ mới chờ xác nhận: #{ $id } { $name } ({ $hamlet }). Gõ /duyet { $id } để duyệt.
notice-household-confirmed = Hộ #{ $id } { $name } đã được xác nhận.
notice-household-rejected = Hộ #{ $id } { $name } bị từ chối. Lý do: { $reason }. Nếu cần, sửa lại và gõ /dangky để đăng ký lại.
review-confirmed = Đã xác nhận hộ #{ $id } { $name }.
review-rejected = Đã từ chối hộ #{ $id } { $name }. Người đăng ký sẽ được báo.
review-not-found = Không có hộ số #{ $id }.
review-not-yours = Hộ #{ $id } không thuộc { $xom } bạn phụ trách.
review-own = Bạn đã đăng ký hộ #{ $id } nên không tự xác nhận được. Trưởng { $xom } khác của { $xom } hoặc công chức Văn hóa – Xã hội sẽ xác nhận.
review-already = Hộ #{ $id } đã được duyệt trước đó ({ $status }).
share-contact = 📱 Gửi số điện thoại của tôi
menu-cancel = Dừng việc đang làm
menu-back = Quay lại câu trước
menu-lang = English
cat-other = Hộ khác (không thuộc diện)
err-money = Số tiền chưa đúng. Ví dụ: 150 triệu, 150tr hoặc 150.000.000.
err-money-above = Số này lớn hơn { $what } ({ $max }).
err-need-file = Vui lòng gửi ảnh hoặc tệp (bấm 📎), không gõ chữ.
err-join-code = Không có nhóm nào có mã này. Kiểm tra lại mã với trưởng nhóm. { $left ->
    [0] Bạn đã hết lượt thử trong giờ này.
   *[other] Còn { $left } lần thử trong giờ này.
}
err-join-code-format = Mã nhóm gồm 8 chữ và số, ví dụ: K7MXQ2PA (không có chữ O, I, L và số 0, 1).
err-join-blocked = Bạn đã gõ sai mã nhóm { $tries } lần trong một giờ. Vui lòng thử lại sau { $minutes } phút, hoặc gõ /huy để dừng.
err-group-closed = Nhóm "{ $name }" đã xin thành lập hoặc đã thành lập, không thay đổi thành viên được nữa.
org-hoi-nong-dan = Hội Nông dân
org-hoi-phu-nu = Hội Phụ nữ
org-doan-thanh-nien = Đoàn Thanh niên
org-hoi-cuu-chien-binh = Hội Cựu chiến binh
org-none = không có
level-none = chưa được công nhận
level-commune = Hội Nông dân cấp xã
level-district = Hội Nông dân cấp huyện
level-province = Hội Nông dân cấp tỉnh
level-central = Hội Nông dân trung ương
member-experienced = có kinh nghiệm sản xuất giỏi
member-target = { " " }(hộ thuộc diện)
group-forming = đang thành lập
group-requested = đã xin thành lập, chờ xã quyết định
group-established = đã thành lập
group-created = Đã tạo nhóm #{ $id } "{ $name }" ({ $hamlet }). Mã tham gia: { $code }. Các hộ gõ /thamgia { $code } để vào nhóm.
group-line = Đại diện: { $org } · Sản xuất: { $product } · { $members } hộ
group-line-no-org = Sản xuất: { $product } · { $members } hộ
group-status-line = Trạng thái: { $status } · Mã: { $code }
group-decision = Quyết định số { $no } ngày { $date }
group-ready = Nhóm đủ điều kiện. Trưởng nhóm gõ /xinthanhlap để xin thành lập.
group-not-ready = Nhóm chưa đủ điều kiện:
missing-members = - mới có { $have } hộ đã xác nhận; cần ít nhất { $need } hộ
missing-recognised = - { $have }/{ $of } hộ được Hội Nông dân công nhận sản xuất giỏi; cần { $need }
missing-target = - { $have }/{ $of } hộ thuộc diện (đã xác nhận); cần { $need }
missing-experienced = - { $have } hộ có kinh nghiệm sản xuất giỏi; cần { $need }
group-members = Thành viên:
group-joined = Đã thêm hộ { $name } vào nhóm "{ $group }" ({ $count } hộ).
group-already-member = Hộ { $name } đã ở trong nhóm "{ $group }".
group-not-your-hamlet = Chỉ thêm được hộ của { $xom } bạn vào nhóm của { $xom } bạn.
group-left = Hộ { $name } đã rời nhóm "{ $group }".
group-cannot-request = Nhóm "{ $group }" chưa xin thành lập được.
group-requested-ok = Đã gửi đề nghị thành lập nhóm #{ $id } { $group }. Cán bộ xã sẽ xem xét; bạn sẽ được báo.
group-established-ok = Đã ghi quyết định thành lập nhóm #{ $id } { $group } (số { $no }, ngày { $date }).
group-returned-ok = Đã trả lại đề nghị của nhóm #{ $id } { $group }. Trưởng nhóm sẽ được báo.
notice-group-joined = Hộ { $name } đã vào nhóm "{ $group }" (nay { $count } hộ). Gõ /nhom để xem.
notice-group-left = Hộ { $name } đã rời nhóm "{ $group }".
notice-group-request = Nhóm #{ $id } { $group } xin thành lập. Gõ /thanhlap { $id } để xem.
notice-group-established = Nhóm "{ $group }" đã được thành lập theo quyết định số { $no } ngày { $date }.
notice-group-returned = Đề nghị thành lập nhóm "{ $group }" bị trả lại. Lý do: { $reason }
kind-p2-community = Dự án 2 – Phát triển sản xuất cộng đồng
kind-p3-agri = Dự án 3.1 – Sản xuất nông nghiệp
kind-p2-chain = Dự án 2 – Liên kết chuỗi giá trị
pstatus-submitted = đã gửi, chờ thẩm định
pstatus-under-appraisal = đang thẩm định
pstatus-returned = trả lại để sửa
pstatus-rejected = không được chấp thuận
pstatus-forwarded = đã trình { $upper }, chờ trả lời
pstatus-approved = đã được phê duyệt
pstatus-not-approved = không được { $upper } phê duyệt
pstatus-in-progress = đang thực hiện
pstatus-finished = đã hoàn thành
proposal-chain-business-only = Dự án liên kết chuỗi giá trị do doanh nghiệp hoặc hợp tác xã chủ trì đề xuất. Bạn chưa được xã ghi nhận là đại diện doanh nghiệp/HTX.
proposal-needs-contract = Dự án liên kết chuỗi giá trị cần hợp đồng liên kết hoặc biên bản hợp tác.
proposal-group-not-established = Chỉ nhóm đã có quyết định thành lập mới gửi được đề xuất.
proposal-submitted = Đã gửi đề xuất #{ $id } "{ $title }". Xã sẽ thẩm định; bạn sẽ được báo.
proposal-resubmitted = Đã gửi lại đề xuất #{ $id } "{ $title }" sau khi sửa.
proposal-not-returned = Đề xuất #{ $id } không ở trạng thái trả lại để sửa.
proposal-revise-start = Đề xuất #{ $id }: sửa các mục cần sửa rồi gửi lại.
proposal-revise-reason = Đề xuất #{ $id } bị trả lại: { $reason }
    Hãy sửa các mục cần sửa rồi gửi lại.
proposal-bad-step = Đề xuất #{ $id } hiện: { $status }. Bước này chưa làm được; có thể: { $allowed }.
proposal-needs-comment = Cần ghi lý do.
proposal-moved = Đề xuất #{ $id } "{ $title }": { $status }.
notice-proposal-submitted = Có đề xuất mới #{ $id } "{ $title }". Gõ /xemda { $id } để xem, /xulyda { $id } để xử lý.
notice-proposal-moved = Đề xuất #{ $id } "{ $title }" của bạn: { $status }.
notice-proposal-moved-note = Đề xuất #{ $id } "{ $title }" của bạn: { $status }. Ghi chú: { $comment }
notice-proposal-returned = Đề xuất #{ $id } "{ $title }" bị trả lại để sửa: { $comment }. Gõ /suada để sửa và gửi lại.
proposal-line = #{ $id } { $title } – { $status } – { $days ->
    [0] hôm nay
   *[other] { $days } ngày
}
proposal-by-group = Nhóm đề xuất: { $group }
proposal-partners = Đơn vị chủ trì liên kết: { $lead }; đối tác: { $partners }
proposal-detail =
    Sản xuất, địa điểm: { $place }
    Số hộ: { $households } · Thời gian: { $months } tháng
    Tổng vốn: { $total } · Hỗ trợ: { $support } · Đối ứng: { $own }
    Việc làm: { $jobs } · Thu nhập tăng: { $income }
    Luân chuyển: { $rotation } · Tập huấn: { $training }
    Trạng thái: { $status }
proposal-history = Lịch sử:
upper-level = cấp trên
proposal-decision = Quyết định số { $no } ngày { $date } · Được hỗ trợ: { $amount }
proposal-earlier-files = Tệp bản trước (đã thay khi sửa):
proposal-earlier-file = • { $name } – thay ngày { $date }
proposal-file-refused = ⚠ Tệp { $name } lần trước không gửi được cho bạn ({ $why }); gửi lại kèm tin này.
proposal-needs-decision = Cần số, ngày quyết định và số tiền được hỗ trợ.
proposal-amount-over = Số tiền được hỗ trợ ({ $amount }) lớn hơn số đề nghị hỗ trợ ({ $support }).
proposal-approved = Đã ghi: đề xuất #{ $id } "{ $title }" đã được phê duyệt theo Quyết định số { $no } ngày { $date }, hỗ trợ { $amount }.
notice-proposal-approved = Đề xuất #{ $id } "{ $title }" của bạn đã được phê duyệt: Quyết định số { $no } ngày { $date }, hỗ trợ { $amount }.
queue-forwarded = Chờ { $upper } trả lời (/xulyda số để ghi kết quả):
queue-forwarded-line = #{ $id } { $title } – trình ngày { $date }
queue-empty = Không có việc gì đang chờ.
queue-title = Việc chờ xử lý (cũ nhất trước):
queue-groups = Nhóm xin thành lập (/thanhlap số):
queue-group-line = #{ $id } { $group } – { $days ->
    [0] chờ từ hôm nay
   *[other] chờ { $days } ngày
}
queue-proposals = Đề xuất (/xulyda số):
group-meets-rules = Nhóm đủ điều kiện theo quy định của xã.
chart-title = Hộ đã xác nhận theo { $xom } và diện – { $commune }, ngày { $day }
chart-people = Người khuyết tật (người)
digest-quiet = Bản tin { $day }: không có gì mới.
digest-title = 📋 Bản tin ngày { $day } – { $commune }
digest-late = (Bản tin của ngày { $day }, gửi muộn vì hệ thống tạm dừng.)
digest-nothing-new = Không có gì mới từ bản tin trước.
digest-new = Mới từ bản tin trước:
digest-registered = • Hộ đăng ký: { $n } ({ $detail })
digest-confirmed = • Hộ được xác nhận: { $n }
digest-people = • Người khuyết tật được ghi: { $n } người
digest-groups = • Nhóm: { $created } tạo mới, { $requested } xin thành lập, { $established } được thành lập
digest-proposals = • Đề xuất: { $submitted } gửi mới, { $moved } chuyển bước hoặc gửi lại
digest-waiting = Chờ bạn xử lý ({ $n }), cũ nhất trước:
digest-days = { $days ->
    [0] hôm nay
   *[other] { $days } ngày
}
digest-deadlines = Hạn chót:
deadline-left = { $days ->
    [0] hôm nay
   *[other] còn { $days } ngày
}
deadline-overdue = QUÁ HẠN { $days } ngày
digest-totals = Tổng: { $confirmed } hộ đã xác nhận, { $waiting } chờ xác nhận · { $people } người khuyết tật · { $groups } nhóm ({ $established } đã thành lập) · { $proposals } đề xuất
err-time = Giờ chưa đúng. Ví dụ: 7:00 hoặc 6h30.
digest-time-set = Sẽ gửi bản tin lúc { $time } mỗi ngày.
digest-time-set-quiet-off = Sẽ gửi bản tin lúc { $time } mỗi ngày; ngày không có gì mới thì không gửi.
deadline-added = Đã thêm hạn chót #{ $id }: { $title } – { $date }.
deadlines-none = Không có hạn chót nào đang mở.
deadlines-title = Hạn chót (gõ /xonghan khi xong):
deadline-done = Đã đánh dấu xong hạn chót #{ $id }.
report-ready = Báo cáo Excel (số điện thoại, CCCD đã che):
province-report-ready = Báo cáo các xã của { $province } (Excel, chỉ có số liệu):
pstep-appraise = Bắt đầu thẩm định
pstep-forward = Trình { $upper }
pstep-return = Trả lại để sửa
pstep-reject = Không chấp thuận
pstep-approve = Được { $upper } phê duyệt
pstep-decline = Không được { $upper } phê duyệt
pstep-start = Bắt đầu thực hiện
pstep-finish = Đã hoàn thành
proposal-money-over = Hỗ trợ cộng đối ứng ({ $sum }) lớn hơn tổng vốn ({ $total }). Vui lòng sửa.
edit-cancelled = Đã bỏ sửa; các câu trả lời vẫn giữ nguyên.
group-member-updated = Đã ghi lại việc công nhận của hộ { $name } trong nhóm "{ $group }".
member-unchecked = { " " }(tự khai, chờ trưởng { $xom } ghi nhận)
proposal-changed = Đề xuất #{ $id } vừa được người khác xử lý. Gõ /xulyda { $id } để xem lại.
group-own-decide = Bạn lập hoặc là trưởng nhóm #{ $id } nên không tự quyết định thành lập được. Công chức Văn hóa – Xã hội hoặc lãnh đạo xã khác sẽ quyết định.
proposal-own = Đề xuất #{ $id } do bạn gửi nên không tự xử lý được. Cán bộ khác của xã sẽ xử lý.
err-file-unreadable = Không nhận được ảnh này (lỗi tải hoặc lớn hơn 10 MB). Vui lòng gửi lại ảnh.
zalo-type-phone = Gõ số điện thoại vào ô chat, ví dụ 0912 345 678.
zalo-file-link = 📎 { $name }: tải tại { $url } (trong 7 ngày)
zalo-file-elsewhere = 📎 { $name }: tệp này chưa gửi qua Zalo được. Xem trên Telegram hoặc hỏi cán bộ xã.
link-channel = { $channel ->
    [telegram] Telegram
    [zalo] Zalo
    [console] Máy tính
   *[other] { $channel }
}
link-account = { $channel } { $id }
link-code =
    Mã liên kết: { $code }
    Trong { $minutes } phút, trên tài khoản kia (Zalo, Telegram, máy tính…) gõ: /lienket { $code }
    Hai tài khoản sẽ là một người: vai trò, hộ, nhóm, đề xuất đều được giữ.
link-code-format = Mã liên kết gồm 8 chữ và số, ví dụ: /lienket K7MX-Q2PA (không có chữ O, I, L và số 0, 1). Lấy mã bằng /lienket trên tài khoản kia.
link-wrong = Mã không đúng.
link-used = Mã này đã được dùng. Lấy mã mới bằng /lienket trên tài khoản kia.
link-expired = Mã này đã hết hạn (chỉ dùng được { $minutes } phút). Lấy mã mới bằng /lienket trên tài khoản kia.
link-tries-left = { $left ->
    [0] Bạn đã hết lượt thử trong giờ này.
   *[other] Còn { $left } lần thử trong giờ này.
}
link-blocked = Bạn đã gõ sai mã { $tries } lần trong một giờ. Vui lòng thử lại sau { $minutes } phút.
link-own-code = Đây là mã của chính tài khoản này. Hãy gõ nó trên tài khoản kia.
link-already = Hai tài khoản này đã liên kết với nhau rồi. Gõ /lienket để xem.
link-refused = Không liên kết được: { $reason }.
link-why-commune = hai tài khoản thuộc hai xã khác nhau
link-why-roles = cả hai tài khoản đều được xã giao vai trò, và không giống nhau. Nhờ cán bộ xã chỉ giao vai trò cho một tài khoản, rồi lấy mã mới
link-refused-notice = Mã liên kết của bạn vừa được gõ từ { $account }, nhưng không liên kết được: { $reason }.
link-joined = Đã liên kết: tài khoản này và { $account } nay là một người ({ $name }). Vai trò, hộ, nhóm, đề xuất và việc đang làm dở đều được giữ. Thông báo gửi tới kênh bạn dùng gần nhất; gõ /lienket để xem hoặc đổi.
link-joined-notice = Tài khoản { $account } vừa được liên kết với bạn. Nếu không phải bạn làm, gõ /lienket để bỏ liên kết.
link-unlink-option = Bỏ liên kết { $account }
link-notify-last = Thông báo: kênh dùng gần nhất
link-notify-channel = Thông báo: chỉ qua { $channel }
link-unlinked = Đã bỏ liên kết { $account }. Tài khoản đó nay là một người riêng, không có vai trò, hộ hay nhóm nào.
link-unlinked-notice = Tài khoản này đã được bỏ liên kết khỏi { $name } (từ { $account }). Từ nay tài khoản này là một người mới.
link-notify-set-last = Thông báo và bản tin sẽ gửi tới kênh bạn dùng gần nhất.
link-notify-set = Thông báo và bản tin sẽ gửi qua { $channel }.
link-gone = Tài khoản này không còn liên kết với bạn. Gõ /lienket để xem lại.
group-hamlet-only = Nhóm "{ $group }" chỉ nhận hộ ở { $hamlet }.
group-link = Hoặc gửi đường dẫn: { $link }
group-code-renewed = Mã mới của nhóm "{ $group }": { $code }. Mã cũ không dùng được nữa. Các hộ gõ /thamgia { $code } để vào nhóm.
name-set = Đã lưu tên của bạn: { $name }.
switch-ask = Bạn đang làm dở "{ $task }". Bỏ việc đó để mở đường dẫn (mã) vừa gửi? Trả lời có hoặc không.
switch-kept = Tiếp tục việc đang làm.
group-code-gone = Mã nhóm này không còn dùng được. Hỏi trưởng nhóm mã mới.
# The audit log (/nhatky, giamngheo audit): one entry in a few words.
audit-title = Nhật ký thao tác (mới nhất trước):
audit-none = Nhật ký chưa có gì.
audit-system = hệ thống
audit-cli = dòng lệnh (cli)
audit-household-register = đăng ký hộ #{ $id }
audit-disabled_person-record = ghi người khuyết tật #{ $id }
audit-household-confirmed = xác nhận hộ #{ $id }
audit-household-rejected = từ chối hộ #{ $id }
audit-household-view_phone = xem số điện thoại hộ #{ $id }
audit-group-create = tạo nhóm #{ $id }
audit-group-join = thêm hộ vào nhóm #{ $id }
audit-group-recognise = ghi nhận công nhận, nhóm #{ $id }
audit-group-leave = rút hộ khỏi nhóm #{ $id }
audit-group-request = đề nghị thành lập nhóm #{ $id }
audit-group-establish = thành lập nhóm #{ $id }
audit-group-return = trả lại nhóm #{ $id }
audit-proposal-submit = gửi đề xuất #{ $id }
audit-proposal-resubmit = gửi lại đề xuất #{ $id }
audit-proposal-appraise = thẩm định đề xuất #{ $id }
audit-proposal-forward = trình đề xuất #{ $id }
audit-proposal-return = trả lại đề xuất #{ $id }
audit-proposal-reject = không chấp thuận đề xuất #{ $id }
audit-proposal-approve = ghi quyết định phê duyệt đề xuất #{ $id }
audit-proposal-decline = ghi đề xuất #{ $id } không được phê duyệt
audit-proposal-start = bắt đầu thực hiện đề xuất #{ $id }
audit-proposal-finish = hoàn thành đề xuất #{ $id }
audit-deadline-create = thêm hạn chót #{ $id }
audit-deadline-done = xong hạn chót #{ $id }
audit-commune-create = tạo xã #{ $id }
audit-commune-export = xuất báo cáo Excel
audit-province-export = xuất báo cáo Excel của tỉnh (số liệu xã này)
audit-person-grant = giao vai trò cho { $name } #{ $id }
audit-person-digest_time = đổi giờ bản tin
audit-person-link_code_issued = lấy mã liên kết
audit-person-link_code_wrong = gõ sai mã liên kết
audit-person-link_code_blocked = bị chặn gõ mã liên kết
audit-person-link_refused = liên kết bị từ chối
audit-person-link_joined = liên kết tài khoản vào { $name } #{ $id }
audit-person-link_absorbed = tài khoản nhập vào người khác
audit-person-link_unlinked = bỏ liên kết một tài khoản
audit-person-link_split = tài khoản tách thành { $name } #{ $id }
audit-person-notify_channel_set = chọn kênh nhận thông báo
audit-invite-invite_issued = tạo lời mời #{ $id }
audit-invite-invite_revoked = thu hồi lời mời #{ $id }
audit-person-invite_taken = nhận lời mời
audit-person-invite_code_wrong = gõ sai mã mời
audit-person-invite_code_blocked = bị chặn gõ mã mời
audit-person-role_revoked = thu hồi vai trò của { $name } #{ $id }
audit-person-join_code_wrong = gõ sai mã nhóm
audit-person-join_code_blocked = bị chặn gõ mã nhóm
audit-person-set_name = đổi tên của mình
audit-group-renew_code = đổi mã nhóm #{ $id }
audit-other = { $action } { $entity } #{ $id }
audit-reason = lý do: { $text }
audit-comment = ý kiến: { $text }
audit-decision = QĐ số { $text }
audit-household = hộ #{ $id }
audit-person = người #{ $id }
audit-masked = đã che SĐT, CCCD
audit-unmasked = KHÔNG che SĐT, CCCD
audit-at-time = lúc { $text }
audit-role = { $role ->
    [hamlet_head] trưởng { $xom }
    [culture_officer] công chức Văn hóa – Xã hội
    [agri_officer] cán bộ khuyến nông
    [leader] lãnh đạo xã
    [org_rep] đại diện tổ chức
    [business_rep] đại diện doanh nghiệp
    [upper_level] cán bộ cấp { $level }
   *[other] { $role }
}
dialogue-not-allowed = Bạn không còn quyền làm việc này. Việc đang làm đã dừng.
role-name = { $role ->
    [hamlet_head] Trưởng { $xom }
    [culture_officer] Công chức Văn hóa – Xã hội
    [agri_officer] Viên chức Khuyến nông
    [leader] Lãnh đạo UBND xã
    [org_rep] Đại diện tổ chức
    [business_rep] Đại diện doanh nghiệp, HTX
    [upper_level] Cán bộ cấp { $level }
   *[other] { $role }
}
invite-issued =
    Mã mời { $role }: { $code }
    Dùng một lần, đến { $until }. Người được mời gõ /moi { $code } trên Zalo, Telegram hoặc máy tính.
invite-link = Hoặc mở trên Telegram: { $link }
invite-code-format = Mã mời gồm 8 chữ và số, ví dụ: /moi ABCD-EFGH (không có chữ O, I, L và số 0, 1). Cán bộ xã gửi mã cho bạn.
invite-wrong = Mã mời không đúng.
invite-used = Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; xin cán bộ xã mã mới.
invite-expired = Mã mời này đã hết hạn (chỉ dùng được { $days } ngày). Xin cán bộ xã mã mới.
invite-revoked = Mã mời này đã bị thu hồi. Hỏi cán bộ xã nếu cần.
invite-blocked = Bạn đã gõ sai mã mời { $tries } lần trong một giờ. Vui lòng thử lại sau { $minutes } phút.
invite-own = Đây là mã mời bạn tạo. Hãy gửi mã cho người được mời.
invite-other-commune = Mã mời này của { $other }, nhưng bạn thuộc { $commune } và đã có { $what } ở đó: mỗi người chỉ thuộc một xã. Hãy nhận lời mời bằng một tài khoản khác (Telegram, Zalo), hoặc hỏi cán bộ xã.
invite-held = Bạn đã có vai trò { $role } rồi.
invite-taken = Bạn đã nhận vai trò { $role }. Từ nay bạn làm được các việc dưới đây.
invite-taken-notice = { $name } ({ $account }) đã nhận lời mời: { $role }.
staff-title = Người có vai trò ở { $commune }:
staff-none = Chưa có ai.
staff-line = { $name }: { $role }, từ { $since } ({ $channels })
staff-invites = Lời mời chưa dùng:
staff-invite-line = - { $role }, hết hạn { $until }
revoke-role-option = { $name }: { $role }
revoke-invite-option = Lời mời { $role } (hết hạn { $until })
revoke-not-done = Không thu hồi gì.
revoke-gone = Vai trò hoặc lời mời này không còn. Gõ /thuhoi để xem lại.
revoke-self = Bạn không tự thu hồi vai trò của mình được. Nhờ cán bộ khác của xã.
invite-revoked-done = Đã thu hồi lời mời { $role }. Mã đó không dùng được nữa.
role-revoked-done = Đã thu hồi vai trò { $role } của { $name }. Có hiệu lực ngay.
role-revoked-notice = Xã đã thu hồi vai trò { $role } của bạn.
group-commune-wide = cả xã, lập ở { $hamlet }
group-all-in = Hộ của bạn đã ở trong nhóm "{ $group }" rồi.
switch-no-household = Bạn chưa có hộ nào để vào nhóm. Đăng ký hộ xong, hãy mở lại đường dẫn hoặc gõ lại mã.
err-year-future = Năm này chưa tới. Gõ một năm từ { $year } trở về trước.
err-day-past = Ngày này đã qua (hôm nay là { $today }). Gõ một ngày từ hôm nay trở đi.
notice-member-rejected = Đăng ký của hộ { $name } bị từ chối, nên hộ đã ra khỏi nhóm "{ $group }".
file-not-sent = ⚠ Không gửi được tệp { $names } ({ $why }). Gõ lại lệnh vừa dùng để thử lại; nếu vẫn lỗi, báo người quản trị.
leader-current = (trưởng nhóm hiện nay)
leader-chosen = Đã ghi: hộ { $name } là trưởng nhóm "{ $group }".
leader-changed = Đã ghi: hộ { $name } là trưởng nhóm "{ $group }", thay hộ { $before }.
leader-already = Hộ { $name } đã là trưởng nhóm "{ $group }".
leader-not-member = Trưởng nhóm là một hộ thành viên của nhóm "{ $group }" đã được trưởng { $xom } xác nhận.
notice-leader-chosen = Hộ { $name } của bạn được chọn làm trưởng nhóm "{ $group }". Gõ /nhom để xem nhóm.
notice-leader-replaced = Nhóm "{ $group }" đã chọn hộ { $name } làm trưởng nhóm, thay hộ { $before }.
notice-group-leader = Trưởng nhóm "{ $group }" nay là hộ { $name }.
group-leader-line = Trưởng nhóm: { $name }
group-leader-none = Trưởng nhóm: chưa chọn
audit-group-choose_leader = chọn trưởng cho nhóm #{ $id }
# The upper level (the province's officers): its queue, its answer, its digest.
proposal-of-commune = Từ { $commune }
upper-line = #{ $id } { $title } – { $commune } – xin { $support } – chờ { $days ->
    [0] từ hôm nay
   *[other] { $days } ngày
}
upper-queue-empty = Không có đề xuất nào chờ cấp { $level } trả lời.
upper-queue-title = Chờ cấp { $level } trả lời: { $n } đề xuất của { $communes } xã (cũ nhất trước).
upper-queue-line = #{ $id } { $title } – xin { $support } – chờ { $days ->
    [0] từ hôm nay
   *[other] { $days } ngày
}
upper-queue-hint = /xemda số: xem hồ sơ · /quyetdinh số: ghi kết quả.
upper-not-found = Không có đề xuất #{ $id } chờ cấp { $level } trả lời.
upper-not-waiting = Đề xuất #{ $id } hiện: { $status }. Cấp { $level } chỉ ghi kết quả cho đề xuất đang chờ trả lời.
notice-upper-approved = Cấp { $level } đã phê duyệt đề xuất #{ $id } "{ $title }" của { $commune }: Quyết định số { $no } ngày { $date }, hỗ trợ { $amount }.
notice-upper-declined = Cấp { $level } không phê duyệt đề xuất #{ $id } "{ $title }" của { $commune }. Lý do: { $comment }
upper-digest-title = 📋 Bản tin cấp { $level } ngày { $day } – { $province } ({ $communes } xã)
upper-digest-new = Mới từ bản tin trước: { $registered } hộ đăng ký · { $groups } nhóm mới
upper-digest-forwarded = ⏳ Chờ cấp { $level } trả lời: { $n } đề xuất của { $communes } xã, lâu nhất { $days } ngày ({ $oldest }) – /chocaptren
upper-digest-late = ⚠️ Trễ hạn ({ $n } xã): { $names }
upper-digest-idle = 💤 Không hoạt động { $days } ngày ({ $n } xã): { $names }
upper-digest-by-commune = Theo xã:
upper-digest-more = … và { $n } xã khác
upper-digest-c-registered = { $n } hộ mới
upper-digest-c-groups = nhóm: { $new } mới, { $waiting } chờ thành lập, { $established } đã thành lập
upper-digest-c-forwarded = { $n } đề xuất chờ ({ $days } ngày)
upper-digest-c-late = trễ { $n } hạn
upper-digest-totals = Tổng: { $established } nhóm đã thành lập, { $waiting } nhóm chờ thành lập

# A newcomer's commune, when the database holds several (dialogue/arrival.rs).
arrive-province = Bạn ở tỉnh (thành phố) nào? Chọn số, hoặc gõ tên (không cần dấu).
arrive-province-type = Bạn ở tỉnh (thành phố) nào? Gõ tên (không cần dấu).
arrive-commune = Bạn ở xã (phường) nào của { $province }? Chọn số, hoặc gõ tên không cần dấu, ví dụ: { $example }.
arrive-commune-type = Bạn ở xã (phường) nào của { $province }? Gõ tên không cần dấu, ví dụ: { $example }.
arrive-several = Có { $count } nơi có "{ $typed }" trong tên. Chọn một:
arrive-too-many = Có { $count } nơi có "{ $typed }" trong tên. Gõ thêm vài chữ.
arrive-no-province = Không có tỉnh nào tên "{ $typed }".
arrive-no-commune = Không có xã nào tên "{ $typed }".
arrive-number = Không có số { $n } trong danh sách.
arrive-first = Trước hết, hãy cho biết bạn ở xã nào.
arrive-text-only = Hãy gõ tên xã, hoặc chọn trong danh sách.
arrive-stale = Danh sách đó đã cũ.
arrive-in = Bạn thuộc { $commune } ({ $province }). Nếu chọn nhầm, hãy báo cán bộ xã để chuyển.
holds-households = { $n } hộ đã đăng ký
holds-groups = { $n } nhóm đã tạo
holds-proposals = { $n } đề xuất
holds-roles = { $n } vai trò
commune-same = Bạn đã thuộc { $commune } rồi.
commune-moved = Bạn đã chuyển sang { $other } ({ $province }). Gõ /trogiup để xem các việc bạn làm được.
commune-held = Bạn thuộc { $commune } và đã có { $what } ở đó, nên không chuyển sang { $other } được. Nếu cần, hãy hỏi cán bộ xã.
invite-taken-moved = Bạn đã chuyển sang { $commune } và nhận vai trò { $role }. Gõ /trogiup để xem các việc bạn làm được.
audit-person-moved_commune = chuyển { $name } #{ $id } sang xã khác
commune-moved-notice = Cán bộ đã chuyển bạn sang { $commune } ({ $province }). Gõ /trogiup để xem các việc bạn làm được.
help-commune-code = Mã xã: { $code }. Người mới gõ mã này (Zalo, máy tính) để vào thẳng xã mình.
help-commune-link = Mã xã: { $code }. Người mới gõ mã này (Zalo, máy tính) hoặc mở { $link } để vào thẳng xã mình.
move-done = Đã chuyển { $name } sang { $commune }. Người đó đã được báo.
move-held = { $name } đã có { $what } ở xã này nên không chuyển được: hồ sơ thuộc xã nơi nó được lập.
move-gone = { $name } không còn ở xã này.
help-commune-move = Ai chọn nhầm xã: /chuyenxa.

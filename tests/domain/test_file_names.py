"""File names made from unit names stay valid on Windows and keep the Chinese."""

from desktop_app.domain.file_names import safe_file_name


def test_forbidden_characters_replaced_chinese_kept():
    assert safe_file_name("德阳－阿坝生态经济产业园区") == "德阳－阿坝生态经济产业园区"
    assert safe_file_name('市发展改革委/规划科:"一处"') == "市发展改革委_规划科_一处"
    assert safe_file_name(" 广汉市. ") == "广汉市"
    assert safe_file_name("...") == "未命名"

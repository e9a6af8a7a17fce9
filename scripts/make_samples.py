#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Deterministic generator of the VolunteerLedger sample data set (Python 3 stdlib only).

Usage, from the project root:

    python3 scripts/make_samples.py

Rewrites every file under samples/ except samples/holidays-cn.txt (maintained separately):

    samples/organizations.csv         4 organizations (Hangzhou districts)
    samples/volunteers.csv            200 volunteers
    samples/activities.csv            48 activities (12 per organization)
    samples/records/<credit_code>.csv service records, UTF-8 with BOM, one file per organization
    samples/import-gbk.csv            a valid import file for the first organization (GBK, CRLF)
    samples/import-bad-rows.csv       8 valid rows + 11 faulty rows for the second organization
    samples/import-bad-rows.expected.txt   line / column / fault of every faulty row
    samples/users.csv                 demo log-ins
    samples/README.md                 description of the files and the rules they obey

All data is synthetic.  The generator uses one fixed seed and never iterates over sets of strings, so
the output is byte-for-byte identical on every run.  Everything is built in memory, then checked by
`check_files` -- an independent checker that parses the encoded bytes exactly as they will be written
and re-derives every rule -- and only then written; after writing, the files are read back from disk and
checked again.  Any violated rule aborts the script with a non-zero exit status.
"""

import csv
import io
import math
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20261125
TODAY = date(2026, 11, 25)                  # "today" for ages and the "future" check
NOW = datetime(2026, 11, 25, 0, 0)          # nothing in the data set is at or after this instant
SERVICE_LIMIT = datetime(2026, 11, 1)       # every service record ends by this instant
ACTIVITY_END_LIMIT = datetime(2026, 11, 10)  # every activity ends before this instant
DATA_START = datetime(2025, 1, 1)
REG_CUTOFF = datetime(2026, 11, 24, 18, 0)  # 登记时间 is never later than this
ON_TIME_DAYS = 10                           # 登记时间 within 10 days of the activity end ...
LATE_MIN_DAYS, LATE_MAX_DAYS = 20, 60       # ... or 20-60 days after it ("late", ~10 %)
LATE_SHARE = 0.10
DEADLINE_WORKING_DAYS = 10                  # the server's default recording deadline
GAP = timedelta(minutes=15)                 # generated records of one volunteer never touch
TIME_FMT = "%Y-%m-%d %H:%M"

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
KEEP = {"holidays-cn.txt"}

CATEGORIES = ["敬老扶幼", "助残扶弱", "扶危济困", "应急救援", "社区服务", "环境保护",
              "知识普及", "卫生保健", "技能培训", "文化体育", "其他"]

RECORD_HEADER = ["姓名", "证件号码", "活动", "开始时间", "结束时间", "服务时长(小时)", "备注", "登记时间"]
IMPORT_HEADER = RECORD_HEADER[:-1]
ORG_HEADER = ["credit_code", "name", "region_code", "contact_name", "contact_phone", "time_zone"]
VOL_HEADER = ["name", "sex", "birth_date", "document_type", "document_number", "residence_area", "phone",
              "skills", "service_categories", "organizations"]
ACT_HEADER = ["organization", "title", "content", "category", "place", "start", "end", "leader"]
USER_HEADER = ["username", "password", "role", "organization", "volunteer_document_number"]
RECRUITMENT_HEADER = ["organization", "title", "content", "category", "place", "starts_in_days", "start", "end", "leader",
                      "audience", "capacity", "deadline_days_before"]
JOIN_REQUEST_HEADER = ["organization", "volunteer_document_number", "note"]
ORG_APPLICATION_HEADER = ["name", "credit_code", "region_code", "registration_type", "contact_name", "contact_phone",
                          "admin_username", "admin_password", "certificate"]
ORG_APPLICATION_CERTIFICATE = "organization-application-certificate.pdf"

# Public holidays (days off) of 2025 and 2026, deliberately generous.  Only used to make sure that every
# "late" record is late under any plausible holiday calendar: counting more days off makes the computed
# 10-working-day deadline later, and make-up working days are ignored for the same reason.
HOLIDAYS = []
for _first, _last in [("2025-01-01", "2025-01-01"), ("2025-01-28", "2025-02-04"), ("2025-04-04", "2025-04-06"),
                      ("2025-05-01", "2025-05-05"), ("2025-05-31", "2025-06-02"), ("2025-10-01", "2025-10-08"),
                      ("2026-01-01", "2026-01-03"), ("2026-02-14", "2026-02-23"), ("2026-04-04", "2026-04-06"),
                      ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
                      ("2026-10-01", "2026-10-08")]:
    _d = date.fromisoformat(_first)
    while _d <= date.fromisoformat(_last):
        HOLIDAYS.append(_d)
        _d += timedelta(days=1)
HOLIDAYS = frozenset(HOLIDAYS)


def latest_possible_deadline(last_day):
    """The 10th working day after `last_day`, counting weekends and every day in HOLIDAYS as days off."""
    d, left = last_day, DEADLINE_WORKING_DAYS
    while left:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in HOLIDAYS:
            left -= 1
    return d


# ---------------------------------------------------------------------------------------------------
# Check characters (generator side)
# ---------------------------------------------------------------------------------------------------

CC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def credit_code_check(first17):
    total = sum(CC_CHARSET.index(c) * w for c, w in zip(first17, CC_WEIGHTS))
    value = 31 - total % 31
    return CC_CHARSET[0 if value == 31 else value]


def org_code_check(first8):
    """GB 11714 check character of the 9-character organization code embedded in the credit code."""
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(first8, weights))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def id_check(first17):
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


# ---------------------------------------------------------------------------------------------------
# Static vocabulary
# ---------------------------------------------------------------------------------------------------

ORG_SPECS = [
    # (region code, district, name, second char of the credit code)
    ("330102", "上城区", "杭州市上城区阳光志愿者协会", "1"),
    ("330105", "拱墅区", "杭州市拱墅区和睦街道社区志愿服务中心", "1"),
    ("330106", "西湖区", "杭州西溪大学青年志愿者协会", "1"),
    ("330108", "滨江区", "杭州市滨江区红十字志愿服务队", "1"),
]

SURNAMES = (
    "王" * 9 + "陈" * 9 + "张" * 7 + "李" * 7 + "徐" * 5 + "吴" * 5 + "周" * 5 + "金" * 4 + "沈" * 4 + "朱" * 4
    + "胡" * 4 + "杨" * 4 + "蒋" * 3 + "潘" * 3 + "俞" * 3 + "钱" * 3 + "孙" * 3 + "黄" * 3 + "刘" * 3 + "何" * 2
    + "郑" * 2 + "方" * 2 + "叶" * 2 + "应" * 2 + "楼" * 2 + "施" * 2 + "赵" * 2 + "马" * 2 + "汪" * 2 + "邵" * 2
    + "林郭高罗梁谢宋唐许韩冯邓曹彭曾肖田董袁蔡余于杜程魏苏吕丁任姚卢钟姜崔谭陆范廖石韦贾夏付邹熊白孟秦邱侯江尹"
    + "薛段雷龙史陶贺毛郝顾龚万武戴严章鲍童毕傅褚项"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官"]

GIVEN = {
    # era -> sex -> (two-character given names, one-character given names)
    "old": {
        "男": ("建国 国强 建华 志强 卫东 国庆 德明 建军 永明 根宝 金海 福林 荣华 振华 伟民 国平 新民 水根 "
               "利民 忠良 宝林 志明 汉生 国良 庆丰 建平 兴国 伯年 金根 长林".split(),
               list("军平明华勇斌荣林刚强忠良")),
        "女": ("秀英 桂英 淑珍 玉兰 凤英 美华 素芬 月娥 秀珍 丽华 桂芳 金凤 雪芳 爱华 彩凤 惠芬 菊芳 美娟 "
               "秀兰 玉珍 月英 美芳 杏娟 爱萍 小妹 宝娣 根娣 雅琴 丽娟 文娟".split(),
               list("英芳兰珍华红萍琴娟")),
    },
    "mid": {
        "男": ("海峰 建峰 晓东 志刚 立新 文斌 永强 俊杰 晓明 海涛 宏伟 国华 剑锋 旭东 卫国 建中 晓峰 杭生 "
               "伟刚 一鸣 立峰 少华 建新 晓军 海明 云飞 春雷 益民 剑波 振宇".split(),
               list("伟磊军勇杰涛斌超明刚辉鹏华飞波峰亮健俊强")),
        "女": ("晓燕 丽娟 海燕 晓红 雪梅 春燕 丽萍 美玲 晓丽 红霞 文静 海霞 玲玲 燕萍 晓君 丽君 素云 卫红 "
               "爱玲 凌云 慧敏 晓慧 亚萍 雅芬 颖洁 春霞 晓蓉 瑞芳 佩琴 建英".split(),
               list("敏静丽艳娟霞燕萍琳婷慧颖红芳洁蕾")),
    },
    "young": {
        "男": ("子轩 浩然 宇航 梓豪 俊杰 一鸣 天佑 思远 博文 皓轩 家豪 嘉豪 明轩 泽宇 锦程 晨阳 宇轩 煜城 "
               "文博 昊天 子墨 奕辰 逸飞 梓睿 俊熙 承泽 嘉树 宇辰 沐阳 书恒 亦航 正阳".split(),
               list("浩宇轩杰鑫帆晨凯昊睿阳")),
        "女": ("欣怡 梓涵 思涵 雨萱 诗琪 可馨 佳怡 梦瑶 语嫣 紫涵 若曦 雨桐 一诺 佳琪 晓雯 心怡 思雨 雅婷 "
               "嘉欣 梦洁 婉清 子琪 欣然 诗涵 语桐 安琪 静怡 思彤 雨菲 芷若 沁瑶 梓萌".split(),
               list("婷悦欣琪雪妍彤萱瑶璐")),
    },
}

# Birthplace region codes used in ID numbers (a few abolished Hangzhou codes on purpose: older
# people's ID numbers keep the code of their registration, e.g. 330103 下城区, 330104 江干区).
ID_REGIONS = (
    ["330102", "330103", "330104", "330105", "330106", "330108", "330109", "330110"] * 3
    + ["330122", "330127", "330182", "330183", "330185", "330203", "330302", "330402", "330502", "330602",
       "330681", "330702", "330782", "330802", "331002", "331102",
       "340104", "360102", "410105", "420106", "430104", "510107", "320106", "310104", "350102", "522301",
       "341202", "411302", "500101", "370102", "130102"]
)

RESIDENCE = ([("上城区", 14), ("拱墅区", 14), ("西湖区", 16), ("滨江区", 12), ("萧山区", 10), ("余杭区", 10),
              ("临平区", 6), ("钱塘区", 6), ("富阳区", 4), ("临安区", 3)])

PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "185",
                  "186", "187", "188", "189", "191", "198", "199"]

SKILLS_COMMON = ["急救", "心理疏导", "驾驶", "摄影摄像", "英语", "手语", "计算机", "法律咨询", "医疗护理",
                 "教育辅导", "文艺表演", "厨艺", "理发", "家电维修", "书法", "组织协调", "宣传策划", "普通话讲解",
                 "电工", "游泳救生", "康复护理", "财务会计"]
SKILLS_STUDENT = ["英语", "计算机", "文艺表演", "教育辅导", "摄影摄像", "宣传策划", "普通话讲解", "急救",
                  "日语", "篮球", "新媒体运营", "手语"]

RECORD_NOTES = ["负责签到, 物资发放", "带队,兼安全员", '协助"爱心驿站"布置', '"小蜜蜂"服务队',
                "迟到15分钟, 已按实际时长登记", "中途离开,时长按实际计算", "现场摄影", "负责引导与秩序维护",
                '担任"急救点"值守', "负责后勤保障"]
GBK_NOTES = ["补录，纸质签到表已存档", "手工登记补录", '负责"爱心午餐"分发', "带队, 兼摄影",
             "协助社区工作人员入户走访", "上午签到，下午签退"]
VALID_IMPORT_NOTES = ["补录", "负责签到, 物资发放", '协助"爱心驿站"布置']
NONEXISTENT_TITLE = "2026年社区邻里节文艺汇演服务"

# Activities per organization: (category, title, content, place, start, end).
# A window whose end is on a later day is multi-day; titles ending in a "值守" window are shift-based.
ACTIVITY_SPECS = [
    [  # 杭州市上城区阳光志愿者协会
        ("扶危济困", "2025年“温暖过冬”困难家庭走访慰问",
         "分组走访辖区低保、低边及困难老人家庭，送去大米、食用油和冬衣，登记家庭实际困难并反馈社区。",
         "上城区小营街道社区服务中心（集合点）", "2025-01-18 09:00", "2025-01-18 16:30"),
        ("社区服务", "2025年学雷锋日便民服务集市",
         "设置义务理发、小家电维修、磨剪刀、血压测量、法律咨询等便民摊位，为居民提供免费服务。",
         "上城区湖滨街道东坡路文化广场", "2025-03-05 08:30", "2025-03-05 12:00"),
        ("环境保护", "西湖湖滨“净湖”行动",
         "沿湖滨公园至断桥沿线捡拾垃圾、清理湖面漂浮物，劝导游客文明游览并宣传垃圾分类。",
         "西湖湖滨公园至断桥沿线", "2025-04-12 08:30", "2025-04-12 11:30"),
        ("敬老扶幼", "“六一”困境儿童游园会",
         "为辖区困境儿童和随迁子女组织游园闯关、手工制作和绘本共读，发放学习用品。",
         "上城区青少年活动中心", "2025-05-31 09:00", "2025-05-31 16:00"),
        ("敬老扶幼", "2025年暑期“七彩假日”爱心托管营",
         "为双职工家庭子女提供暑期作业辅导、安全教育、手工和体育游戏，中午协助分餐。",
         "上城区紫阳街道社区文化家园", "2025-07-21 08:30", "2025-07-23 17:00"),
        ("知识普及", "全民反诈宣传进社区",
         "在社区广场和小区门口发放反诈宣传折页，演示常见诈骗手法，帮助居民安装国家反诈中心App。",
         "上城区清波街道劳动路社区广场", "2025-09-20 13:30", "2025-09-20 17:00"),
        ("敬老扶幼", "2025年重阳节敬老院慰问演出",
         "为养老院老人表演越剧、合唱和快板，陪老人聊天、剪指甲、整理房间。",
         "上城区社会福利中心", "2025-10-29 08:30", "2025-10-29 16:30"),
        ("卫生保健", "社区义诊与健康咨询",
         "配合社区卫生服务中心开展血压血糖测量、用药咨询和健康档案更新，维持现场秩序。",
         "上城区南星街道社区卫生服务中心门前广场", "2025-12-06 08:30", "2025-12-06 12:00"),
        ("社区服务", "2026年学雷锋日便民服务集市",
         "设置义务理发、小家电维修、磨剪刀、血压测量、法律咨询等便民摊位，为居民提供免费服务。",
         "上城区湖滨街道东坡路文化广场", "2026-03-05 08:30", "2026-03-05 12:00"),
        ("助残扶弱", "全国助残日“陪你看见”无障碍观影",
         "陪同视障朋友观看无障碍电影，志愿者现场进行口述影像讲解，并负责接送引导。",
         "上城区残疾人之家", "2026-05-16 13:30", "2026-05-16 17:30"),
        ("文化体育", "2026年社区纳凉晚会服务",
         "协助搭建舞台、布置场地，负责观众引导、节目候场和散场安全疏导。",
         "上城区望江街道近江社区文化广场", "2026-08-22 18:30", "2026-08-22 21:30"),
        ("敬老扶幼", "2026年重阳节敬老院慰问演出",
         "为养老院老人表演越剧、合唱和快板，陪老人聊天、剪指甲、整理房间。",
         "上城区社会福利中心", "2026-10-18 08:30", "2026-10-18 16:30"),
    ],
    [  # 杭州市拱墅区和睦街道社区志愿服务中心
        ("文化体育", "2025年元宵节邻里灯谜会",
         "布置灯谜长廊，组织猜谜兑奖和包汤圆活动，维护现场秩序与安全。",
         "拱墅区和睦街道邻里中心广场", "2025-02-12 18:30", "2025-02-12 21:30"),
        ("社区服务", "2025年学雷锋日“邻里帮帮团”上门服务",
         "为高龄独居老人上门更换灯泡、疏通下水道、清洗油烟机，并检查燃气和用电安全。",
         "拱墅区和睦街道各小区", "2025-03-05 08:30", "2025-03-05 17:00"),
        ("环境保护", "运河沿岸“河小二”巡河护河",
         "沿大运河步道巡查排污口与河面漂浮物，捡拾岸边垃圾，向市民宣传河道保护。",
         "京杭大运河拱墅段沿岸步道", "2025-04-19 08:30", "2025-04-19 11:30"),
        ("社区服务", "垃圾分类定时定点桶边督导",
         "在小区垃圾投放点指导居民正确分类投放，对混投垃圾进行二次分拣并记录问题点位。",
         "拱墅区和睦街道和睦新村小区投放点", "2025-06-07 06:30", "2025-06-07 09:30"),
        ("应急救援", "防台风应急值守与转移安置",
         "配合街道开展防台风值守，协助转移危旧房和地下室住户，在安置点分发物资、登记人员。",
         "拱墅区和睦街道避灾安置点（和睦小学体育馆）", "2025-08-01 08:00", "2025-08-02 20:00"),
        ("敬老扶幼", "“小候鸟”暑期托管班",
         "为暑期来杭随父母务工的“小候鸟”提供作业辅导、安全教育和兴趣课程。",
         "拱墅区和睦街道社区文化家园", "2025-08-11 08:30", "2025-08-13 17:00"),
        ("知识普及", "消防安全知识进楼道",
         "入户发放消防宣传册，讲解电动自行车安全充电和灭火器使用方法，排查楼道堆物。",
         "拱墅区和睦街道各老旧小区楼道", "2025-10-11 14:00", "2025-10-11 17:00"),
        ("社区服务", "邻里节便民服务集市",
         "组织义诊、义剪、家电维修和旧物交换摊位，协助社区开展邻里互助宣传。",
         "拱墅区和睦街道邻里中心广场", "2025-11-15 08:30", "2025-11-15 16:30"),
        ("扶危济困", "新春年货爱心义卖",
         "义卖居民捐赠的手工艺品和年货，所得款项全部用于资助辖区困难家庭学生。",
         "拱墅区和睦街道邻里中心广场", "2026-01-10 09:00", "2026-01-10 16:00"),
        ("社区服务", "2026年学雷锋日“邻里帮帮团”上门服务",
         "为高龄独居老人上门更换灯泡、疏通下水道、清洗油烟机，并检查燃气和用电安全。",
         "拱墅区和睦街道各小区", "2026-03-05 08:30", "2026-03-05 17:00"),
        ("卫生保健", "社区老年人免费体检引导",
         "协助社区卫生服务站开展65岁以上老年人免费体检，负责取号、分流引导和报告发放。",
         "拱墅区和睦街道社区卫生服务站", "2026-06-13 07:00", "2026-06-13 11:00"),
        ("技能培训", "老年人智能手机使用培训",
         "手把手教老年人使用网上挂号、视频通话和移动支付，提醒防范网络诈骗。",
         "拱墅区和睦街道老年活动中心", "2026-09-19 13:30", "2026-09-19 16:30"),
    ],
    [  # 杭州西溪大学青年志愿者协会
        ("环境保护", "2025年植树节西溪湿地义务植树",
         "在湿地周边补植乡土树种，清理林下垃圾，向游客宣传湿地保护知识。",
         "西溪国家湿地公园周家村入口", "2025-03-15 08:30", "2025-03-15 12:00"),
        ("知识普及", "全民国家安全教育日校园宣传",
         "在校园主干道设置宣传展板和有奖问答，普及国家安全法律知识，发放宣传手册。",
         "杭州西溪大学留和路校区图书馆广场", "2025-04-15 14:00", "2025-04-15 17:00"),
        ("文化体育", "2025年西湖区半程马拉松赛道服务",
         "负责赛道补给站物资分发、选手引导、终点存衣和完赛物资发放。",
         "西湖区之江路沿线赛道", "2025-04-20 05:30", "2025-04-20 13:30"),
        ("助残扶弱", "特殊儿童融合运动会陪伴",
         "一对一陪伴特殊儿童参加趣味运动项目，协助裁判计分并做好安全保护。",
         "西湖区培智学校操场", "2025-05-24 08:30", "2025-05-24 16:00"),
        ("知识普及", "2025年暑期科普支教（淳安）",
         "赴淳安乡村小学开展科学实验、安全教育和阅读课程，课后整理教案和家访记录。",
         "淳安县枫树岭镇中心小学", "2025-07-07 08:00", "2025-07-09 17:30"),
        ("其他", "2025级新生报到迎新志愿服务",
         "在报到点引导新生及家长办理入学手续，搬运行李，解答校园生活问题。",
         "杭州西溪大学留和路校区东门报到点", "2025-09-06 07:30", "2025-09-06 18:00"),
        ("文化体育", "博物馆周末志愿讲解",
         "在展厅为观众提供定时讲解和展品咨询，引导参观动线，维护展厅秩序。",
         "浙江省博物馆孤山馆区", "2025-10-18 09:00", "2025-10-18 16:30"),
        ("其他", "国际志愿者日校园志愿服务展",
         "布置志愿服务成果展，招募新志愿者，组织志愿服务经验分享会。",
         "杭州西溪大学学生活动中心", "2025-12-05 11:00", "2025-12-05 14:00"),
        ("环境保护", "2026年植树节西溪湿地义务植树",
         "在湿地周边补植乡土树种，清理林下垃圾，向游客宣传湿地保护知识。",
         "西溪国家湿地公园周家村入口", "2026-03-14 08:30", "2026-03-14 12:00"),
        ("文化体育", "2026年西湖区半程马拉松赛道服务",
         "负责赛道补给站物资分发、选手引导、终点存衣和完赛物资发放。",
         "西湖区之江路沿线赛道", "2026-04-19 05:30", "2026-04-19 13:30"),
        ("知识普及", "2026年暑期科普支教（建德）",
         "赴建德乡村小学开展科学实验、安全教育和阅读课程，课后整理教案和家访记录。",
         "建德市大同镇中心小学", "2026-07-13 08:00", "2026-07-15 17:30"),
        ("敬老扶幼", "重阳节“银龄课堂”进社区",
         "走进社区为老人讲解智能手机使用和防诈骗知识，并陪伴老人制作重阳糕。",
         "西湖区文新街道德加社区", "2026-10-17 09:00", "2026-10-17 12:00"),
    ],
    [  # 杭州市滨江区红十字志愿服务队
        ("卫生保健", "2025年新春无偿献血街头服务",
         "在献血点协助献血者填表、引导体检，做好献血后观察与关怀。",
         "滨江区星光大道献血点", "2025-01-11 09:00", "2025-01-11 17:00"),
        ("技能培训", "2025年红十字救护员培训（第一期）",
         "协助讲师开展心肺复苏、AED使用、创伤包扎等实操训练，负责学员签到和考核计时。",
         "滨江区红十字应急救护培训基地", "2025-03-22 08:30", "2025-03-23 17:00"),
        ("知识普及", "世界红十字日应急救护知识宣传",
         "设置宣传展位，现场演示心肺复苏和海姆立克急救法，普及AED位置查询。",
         "滨江区江南大道龙湖天街广场", "2025-05-08 14:00", "2025-05-08 17:30"),
        ("卫生保健", "2025年世界献血者日无偿献血招募",
         "在献血车旁开展无偿献血知识宣传和献血者招募，协助献血者填表、休息观察。",
         "滨江区西兴街道献血车停靠点", "2025-06-14 08:30", "2025-06-14 17:00"),
        ("应急救援", "2025年防台防汛应急救援值守",
         "24小时轮班值守，配合应急管理部门开展转移安置、积水点巡查和伤员初步救护。",
         "滨江区应急救援物资储备库", "2025-07-28 08:00", "2025-07-31 08:00"),
        ("应急救援", "钱塘江水上救援联合演练",
         "配合水上救援队开展落水人员搜救演练，负责岸上警戒、救护点设置和伤员转运模拟。",
         "钱塘江滨江段闻涛路码头", "2025-09-13 08:30", "2025-09-13 12:30"),
        ("知识普及", "“119”消防宣传月应急疏散演练保障",
         "在演练现场设置救护点，负责模拟伤员救护和疏散引导，演练后开展急救知识讲解。",
         "滨江区长河街道社区综合楼", "2025-11-09 08:30", "2025-11-09 11:30"),
        ("扶危济困", "“博爱送万家”困难群众慰问",
         "为辖区困难群众和困难红十字会员家庭送去慰问金和生活物资，了解生活状况。",
         "滨江区红十字会（集合点）", "2026-01-17 09:00", "2026-01-17 16:00"),
        ("技能培训", "2026年红十字救护员培训（第二期）",
         "协助讲师开展心肺复苏、AED使用、创伤包扎等实操训练，负责学员签到和考核计时。",
         "滨江区红十字应急救护培训基地", "2026-04-11 08:30", "2026-04-12 17:00"),
        ("卫生保健", "2026年世界献血者日无偿献血招募",
         "在献血车旁开展无偿献血知识宣传和献血者招募，协助献血者填表、休息观察。",
         "滨江区西兴街道献血车停靠点", "2026-06-14 08:30", "2026-06-14 17:00"),
        ("文化体育", "全民健身日赛事医疗保障",
         "在赛事沿线设置急救点，携带AED巡回保障，处置擦伤、抽筋和中暑等情况。",
         "滨江区奥体中心周边赛道", "2026-08-08 07:30", "2026-08-08 12:30"),
        ("应急救援", "城市地下空间应急疏散演练",
         "在地铁站和地下车库开展应急疏散演练，负责疏散引导、模拟伤员检伤分类和现场救护。",
         "滨江区江陵路地铁站及周边地下空间", "2026-10-24 08:30", "2026-10-24 11:30"),
    ],
]
SHIFT_ACTIVITY_CATEGORY = "应急救援"   # multi-day 应急救援 windows are worked in 12-hour shifts


# ---------------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------------

@dataclass
class Org:
    index: int
    code: str
    name: str
    region: str
    district: str
    contact_name: str
    contact_phone: str


@dataclass
class Vol:
    index: int
    name: str
    sex: str
    birth: date
    doc_type: str
    doc: str
    residence: str
    phone: str
    skills: list
    categories: list
    orgs: list = field(default_factory=list)   # org indexes, primary first
    activity_level: float = 1.0
    student: bool = False


@dataclass
class Act:
    org: int
    category: str
    title: str
    content: str
    place: str
    start: datetime
    end: datetime
    leader: str = ""


@dataclass
class Rec:
    vol: int
    act: int
    start: datetime
    end: datetime
    minutes: int
    note: str = ""
    recorded: datetime = None


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def fmt(dt):
    return dt.strftime(TIME_FMT)


def fmt_hours(minutes):
    assert minutes % 15 == 0
    q = minutes // 15
    if q % 4 == 0:
        return str(q // 4)
    if q % 2 == 0:
        return "%.1f" % (q / 4)
    return "%.2f" % (q / 4)


# ---------------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------------

class Generator:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.names = set()
        self.phones = set()
        self.docs = set()

    # ---- people -------------------------------------------------------------------------------------
    def name(self, sex, birth_year):
        rng = self.rng
        era = "old" if birth_year <= 1970 else ("mid" if birth_year <= 1989 else "young")
        single_share = {"old": 0.25, "mid": 0.3, "young": 0.1}[era]
        while True:
            if rng.random() < 0.01:
                surname = rng.choice(COMPOUND_SURNAMES)
            else:
                surname = rng.choice(SURNAMES)
            doubles, singles = GIVEN[era][sex]
            given = rng.choice(singles) if rng.random() < single_share else rng.choice(doubles)
            full = surname + given
            if full not in self.names:
                self.names.add(full)
                return full

    def phone(self):
        while True:
            p = self.rng.choice(PHONE_PREFIXES) + "%08d" % self.rng.randrange(10 ** 8)
            if p not in self.phones:
                self.phones.add(p)
                return p

    def id_number(self, birth, sex, region=None):
        rng = self.rng
        while True:
            reg = region or rng.choice(ID_REGIONS)
            odd = [1, 3, 5, 7, 9] if sex == "男" else [0, 2, 4, 6, 8]
            body = reg + birth.strftime("%Y%m%d") + "%02d" % rng.randrange(100) + str(rng.choice(odd))
            doc = body + id_check(body)
            if doc not in self.docs:
                self.docs.add(doc)
                return doc

    def passport(self):
        while True:
            doc = "E%08d" % self.rng.randrange(10 ** 7, 10 ** 8)
            if doc not in self.docs:
                self.docs.add(doc)
                return doc

    def birth_between(self, first, last):
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    # ---- organizations --------------------------------------------------------------------------------
    def organizations(self):
        orgs = []
        for i, (region, district, name, kind) in enumerate(ORG_SPECS):
            body8 = "MJ" + "".join(self.rng.choice(CC_CHARSET) for _ in range(6))
            org_code = body8 + org_code_check(body8)
            first17 = "5" + kind + region + org_code
            code = first17 + credit_code_check(first17)
            contact_birth = self.rng.randrange(1965, 1990)
            sex = self.rng.choice(["男", "女"])
            orgs.append(Org(i, code, name, region, district, self.name(sex, contact_birth), self.phone()))
        return orgs

    # ---- volunteers -----------------------------------------------------------------------------------
    def volunteers(self):
        rng = self.rng
        oldest = date(TODAY.year - 76, TODAY.month, TODAY.day) + timedelta(days=1)   # age 75 at most
        youngest = date(TODAY.year - 16, TODAY.month, TODAY.day)                    # age 16 at least
        groups = []
        groups += [("student", date(2002, 9, 1), date(2008, 8, 31))] * 50
        groups += [("teen", date(2009, 1, 1), youngest)] * 6
        adult_bands = [((25, 34), 29), ((35, 44), 29), ((45, 54), 29), ((55, 64), 36), ((65, 75), 21)]
        for (lo, hi), n in adult_bands:
            first = max(oldest, date(TODAY.year - hi - 1, TODAY.month, TODAY.day) + timedelta(days=1))
            last = date(TODAY.year - lo, TODAY.month, TODAY.day)
            groups += [("adult", first, last)] * n
        assert len(groups) == 200
        rng.shuffle(groups)

        passport_slots = set(rng.sample(range(200), 3))
        vols = []
        for i, (kind, first, last) in enumerate(groups):
            sex = "男" if rng.random() < 0.45 else "女"
            birth = self.birth_between(first, last)
            name = self.name(sex, birth.year)
            if i in passport_slots:
                doc_type, doc = "护照", self.passport()
            else:
                doc_type, doc = "居民身份证", self.id_number(birth, sex)
            district = rng.choices([d for d, _ in RESIDENCE], [w for _, w in RESIDENCE])[0]
            if kind == "student" and rng.random() < 0.7:
                district = "西湖区"
            pool = SKILLS_STUDENT if kind == "student" else SKILLS_COMMON
            skills = rng.sample(pool, rng.choice([1, 1, 2, 2, 2, 3]))
            cats = sorted(rng.sample(CATEGORIES[:-1], rng.choice([1, 2, 2, 3])), key=CATEGORIES.index)
            vols.append(Vol(i, name, sex, birth, doc_type, doc, "杭州市" + district, self.phone(), skills, cats,
                            student=(kind == "student"),
                            activity_level=rng.choice([0.5, 0.8, 1.0, 1.0, 1.2, 1.5, 2.0])))

        # Memberships: students -> the university association; a few teachers join it too; everybody
        # else one of the other three.  Then exactly 40 volunteers (20 %) get a second organization.
        for v in vols:
            if v.student:
                v.orgs = [2]
            elif age_on(v.birth, TODAY) < 18:
                v.orgs = [rng.choice([0, 1])]
            else:
                v.orgs = [rng.choices([0, 1, 2, 3], [50, 55, 4, 40])[0]]
        second = rng.sample(range(200), 40)
        for i in second:
            v = vols[i]
            if v.student:
                options = [3, 3, 0]
            elif age_on(v.birth, TODAY) < 18:
                options = [0, 1]
            else:
                options = [0, 1, 3] + ([2] if age_on(v.birth, TODAY) <= 60 else [])
            options = [o for o in options if o != v.orgs[0]]
            v.orgs.append(rng.choice(options))
        return vols

    # ---- activities -----------------------------------------------------------------------------------
    def activities(self, orgs, vols):
        acts = []
        for oi, specs in enumerate(ACTIVITY_SPECS):
            for cat, title, content, place, s, e in specs:
                acts.append(Act(oi, cat, title, content, place, datetime.strptime(s, TIME_FMT),
                                datetime.strptime(e, TIME_FMT)))
        for a in acts:
            members = [v for v in vols if a.org in v.orgs and age_on(v.birth, a.start.date()) >= 20
                       and v.doc_type == "居民身份证"]
            a.leader = self.rng.choice(members).name
        return acts

    # ---- service records ------------------------------------------------------------------------------
    def segments(self, act):
        """The candidate working periods of an activity: one per day, or 12-hour shifts."""
        if act.start.date() == act.end.date():
            return [(act.start, act.end)]
        if act.category == SHIFT_ACTIVITY_CATEGORY:
            shifts, t = [], act.start
            while t + timedelta(hours=12) <= act.end:
                shifts.append((t, t + timedelta(hours=12)))
                t += timedelta(hours=12)
            return shifts
        days, d = [], act.start.date()
        while d <= act.end.date():
            days.append((datetime.combine(d, act.start.time()), datetime.combine(d, act.end.time())))
            d += timedelta(days=1)
        return days

    def shape(self, seg_start, seg_end, shift):
        """A volunteer's actual period and credited minutes within one segment."""
        rng = self.rng
        s, e, lunch = seg_start, seg_end, False
        span = (e - s).total_seconds() / 60
        if shift:
            s += timedelta(minutes=rng.choice([0, 0, 0, 30]))
            e -= timedelta(minutes=rng.choice([0, 0, 0, 30]))
            length = int((e - s).total_seconds() // 60)
            return s, e, (length // 15) * 15 - rng.choice([0, 30, 60, 60])
        if span >= 6 * 60:
            noon = s.replace(hour=12, minute=0)
            r = rng.random()
            if r < 0.16 and noon - s >= timedelta(hours=2):
                e = noon
            elif r < 0.32 and e - s.replace(hour=13, minute=0) >= timedelta(hours=2):
                s = s.replace(hour=13, minute=rng.choice([0, 30]))
            else:
                lunch = s.hour < 12 and e.hour >= 13 and rng.random() < 0.85
        s += timedelta(minutes=rng.choice([0] * 8 + [15, 30]))
        e -= timedelta(minutes=rng.choice([0] * 8 + [15, 30]))
        if rng.random() < 0.05:
            s += timedelta(minutes=rng.randint(1, 9))       # signed in at an odd minute
        length = int((e - s).total_seconds() // 60)
        minutes = (length // 15) * 15 - (60 if lunch else 0) - rng.choice([0] * 6 + [15, 30])
        return s, e, max(minutes, 15)

    def plan(self, vols, acts):
        rng = self.rng
        busy = defaultdict(list)
        per_day = defaultdict(int)
        recs = []
        order = sorted(range(len(acts)), key=lambda i: (acts[i].start, acts[i].org))
        for ai in order:
            a = acts[ai]
            members = [v for v in vols if a.org in v.orgs and age_on(v.birth, a.start.date()) >= 16]
            segs = self.segments(a)
            shift = a.category == SHIFT_ACTIVITY_CATEGORY and len(segs) > 1
            span_h = (a.end - a.start).total_seconds() / 3600
            if shift:
                rate = rng.uniform(0.55, 0.7)
            elif len(segs) > 1:
                rate = rng.uniform(0.45, 0.6)
            elif span_h <= 5:
                rate = rng.uniform(0.55, 0.8)
            else:
                rate = rng.uniform(0.6, 0.85)
            k = round(len(members) * rate * 0.96)
            # weighted sample without replacement (Efraimidis-Spirakis keys)
            keyed = sorted(members, key=lambda v: -(rng.random() ** (1.0 / v.activity_level)))
            for v in keyed[:k]:
                if shift:
                    chosen = sorted(rng.sample(segs, min(len(segs), rng.choice([1, 1, 2, 2, 3]))))
                elif len(segs) > 1 and rng.random() < 0.5:
                    chosen = segs
                elif len(segs) > 1:
                    chosen = sorted(rng.sample(segs, rng.randint(1, len(segs) - 1)))
                else:
                    chosen = segs
                for seg in chosen:
                    s, e, minutes = self.shape(seg[0], seg[1], shift)
                    if any(s < be + GAP and bs < e + GAP for bs, be in busy[v.index]):
                        continue
                    if per_day[(v.index, s.date())] + minutes > 24 * 60:
                        continue
                    busy[v.index].append((s, e))
                    per_day[(v.index, s.date())] += minutes
                    recs.append(Rec(v.index, ai, s, e, minutes))
        return recs

    def registration_times(self, recs, acts):
        rng = self.rng
        def daytime(lo, hi):   # staff enter records between 08:00 and 21:59
            while True:
                t = lo + timedelta(minutes=rng.randint(0, int((hi - lo).total_seconds() // 60)))
                if 8 <= t.hour <= 21:
                    return t

        for r in recs:
            end = acts[r.act].end
            r.recorded = daytime(end + timedelta(minutes=20), end + timedelta(days=ON_TIME_DAYS))
        eligible = [r for r in recs if acts[r.act].end + timedelta(days=LATE_MIN_DAYS + 1) <= REG_CUTOFF]
        n_late = round(LATE_SHARE * len(recs))
        for r in rng.sample(eligible, n_late):
            end = acts[r.act].end
            deadline = latest_possible_deadline(end.date())
            for _ in range(1000):
                t = daytime(end + timedelta(days=LATE_MIN_DAYS), end + timedelta(days=LATE_MAX_DAYS))
                if t.date() > deadline and t <= REG_CUTOFF:
                    r.recorded = t
                    break
            else:
                raise SystemExit("cannot place a late registration time")


def build():
    g = Generator()
    rng = g.rng
    orgs = g.organizations()
    vols = g.volunteers()
    acts = g.activities(orgs, vols)
    plan = g.plan(vols, acts)

    # Reserve planned records for the import files; everything else goes to samples/records/.
    def pool(org_index):
        idx = [i for i, r in enumerate(plan) if acts[r.act].org == org_index
               and vols[r.vol].doc_type == "居民身份证"]
        rng.shuffle(idx)
        return idx

    reserved = set()
    gbk_ids, used_vols = [], set()
    for i in pool(0):
        if len(gbk_ids) == 30:
            break
        if plan[i].vol not in used_vols or len(used_vols) >= 25:
            gbk_ids.append(i)
            used_vols.add(plan[i].vol)
    reserved.update(gbk_ids)

    org2_pool = pool(1)
    bad_base, used_vols = [], set()
    for i in org2_pool:
        if len(bad_base) == 16:
            break
        if plan[i].vol not in used_vols:
            bad_base.append(i)
            used_vols.add(plan[i].vol)
    reserved.update(bad_base)
    valid_ids, fault_base = bad_base[:8], dict(zip("abcdeijk", bad_base[8:]))

    all_busy = defaultdict(list)
    for r in plan:
        all_busy[r.vol].append((r.start, r.end))

    # (f): a planned record moved to entirely before its activity's window, on a free slot of the volunteer
    f_choice = None
    for i in org2_pool:
        if i in reserved or plan[i].vol in used_vols:
            continue
        r = plan[i]
        a = acts[r.act]
        days = math.ceil((r.end - a.start + timedelta(hours=1)) / timedelta(days=1))
        s, e = r.start - timedelta(days=days), r.end - timedelta(days=days)
        if e < a.start and s >= DATA_START and not any(s < be + GAP and bs < e + GAP for bs, be in all_busy[r.vol]):
            f_choice = (i, s, e)
            break
    if f_choice is None:
        raise SystemExit("no slot for fault (f)")
    reserved.add(f_choice[0])
    used_vols.add(plan[f_choice[0]].vol)
    all_busy[plan[f_choice[0]].vol].append(f_choice[1:])

    records = [r for i, r in enumerate(plan) if i not in reserved]
    for r in records:
        if age_on(vols[r.vol].birth, r.start.date()) < 18 and rng.random() < 0.4:
            r.note = "与家长一同参加"
        elif rng.random() < 0.12:
            r.note = rng.choice(RECORD_NOTES)
    g.registration_times(records, acts)

    # ---- GBK import (first organization) ----------------------------------------------------------------
    gbk = sorted((plan[i] for i in gbk_ids), key=lambda r: (acts[r.act].start, r.start, vols[r.vol].name))
    for n, r in enumerate(gbk):
        if n % 4 == 1:
            r.note = GBK_NOTES[(n // 4) % len(GBK_NOTES)]
    gbk_rows = [[vols[r.vol].name, vols[r.vol].doc, acts[r.act].title, fmt(r.start), fmt(r.end),
                 fmt_hours(r.minutes), r.note] for r in gbk]

    # ---- import with bad rows (second organization) ----------------------------------------------------
    valid = sorted((plan[i] for i in valid_ids), key=lambda r: (acts[r.act].start, r.start))
    for n, r in enumerate(valid):
        if n in (1, 4, 6):
            r.note = VALID_IMPORT_NOTES[[1, 4, 6].index(n)]
    bad_rows = [[vols[r.vol].name, vols[r.vol].doc, acts[r.act].title, fmt(r.start), fmt(r.end),
                 fmt_hours(r.minutes), r.note] for r in valid]

    def row_of(r, **over):
        row = {"姓名": vols[r.vol].name, "证件号码": vols[r.vol].doc, "活动": acts[r.act].title,
               "开始时间": fmt(r.start), "结束时间": fmt(r.end), "服务时长(小时)": fmt_hours(r.minutes), "备注": ""}
        row.update(over)
        return [row[h] for h in IMPORT_HEADER]

    faults = []   # (row, column, description)

    r = plan[fault_base["a"]]
    good = vols[r.vol].doc
    wrong = good[:17] + ID_CHECK[(ID_CHECK.index(good[17]) + 3) % 11]
    faults.append((row_of(r, 证件号码=wrong), "证件号码",
                   "(a) 证件号码校验位错误 / ID number with a wrong check character"))

    r = plan[fault_base["b"]]
    nobody_birth = date(1988, 6, 17)
    nobody_doc = g.id_number(nobody_birth, "女", region="330106")
    faults.append((row_of(r, 姓名=g.name("女", 1988), 证件号码=nobody_doc), "证件号码",
                   "(b) 证件号码校验正确但无此志愿者 / valid ID number of nobody registered"))

    r = plan[fault_base["c"]]
    faults.append((row_of(r, 开始时间=fmt(r.end), 结束时间=fmt(r.start)), "结束时间",
                   "(c) 结束时间早于开始时间 / end before start"))

    r = plan[fault_base["d"]]
    span = int((r.end - r.start).total_seconds() // 60)
    faults.append((row_of(r, **{"服务时长(小时)": fmt_hours((span // 15 + 4) * 15)}), "服务时长(小时)",
                   "(d) 服务时长大于结束时间减开始时间 / hours greater than end - start"))

    r = plan[fault_base["e"]]
    faults.append((row_of(r, 活动=NONEXISTENT_TITLE), "活动",
                   "(e) 本组织没有该活动 / activity title does not exist in the organization"))

    i, s, e = f_choice
    faults.append((row_of(plan[i], 开始时间=fmt(s), 结束时间=fmt(e)), "开始时间",
                   "(f) 开始/结束时间在活动时间范围之外 / start and end outside the activity's window"))

    # (g): overlap with an existing record in samples/records/ of another organization
    faulty_vols = set(used_vols)
    org2_acts = [ai for ai, a in enumerate(acts) if a.org == 1]
    g_found = None
    for r in sorted(records, key=lambda r: (acts[r.act].start, r.start, r.vol)):
        v = vols[r.vol]
        if acts[r.act].org == 1 or 1 not in v.orgs or v.doc_type != "居民身份证" or r.vol in faulty_vols:
            continue
        for ai in org2_acts:
            a = acts[ai]
            s, e = max(a.start, r.start), min(a.end, r.end)
            if e - s >= timedelta(hours=1):
                s2 = s + timedelta(minutes=30) if e - s >= timedelta(hours=3) else s
                minutes = (int((e - s2).total_seconds()) // 60 // 15) * 15
                g_found = (Rec(r.vol, ai, s2, e, minutes), r)
                break
        if g_found:
            break
    if g_found is None:
        raise SystemExit("no cross-organization overlap candidate for fault (g)")
    g_new, g_rec = g_found
    faults.append((row_of(g_new), "开始时间",
                   "(g) 与该志愿者在其他组织的已有记录重叠（%s %s–%s）/ overlaps an existing record of the same "
                   "volunteer (another organization, samples/records/%s.csv)"
                   % (acts[g_rec.act].title, fmt(g_rec.start), fmt(g_rec.end)[11:], orgs[acts[g_rec.act].org].code)))
    faulty_vols.add(g_rec.vol)

    # (h): a future date, on an existing activity title of the organization
    h_vol = next(v for v in vols if 1 in v.orgs and v.doc_type == "居民身份证" and v.index not in faulty_vols
                 and age_on(v.birth, TODAY) >= 18)
    faulty_vols.add(h_vol.index)
    h_act = max(org2_acts, key=lambda ai: acts[ai].start)
    faults.append(([h_vol.name, h_vol.doc, acts[h_act].title, "2027-01-05 09:00", "2027-01-05 12:00", "3", ""],
                   "开始时间", "(h) 未来日期 2027-01-05（同时超出活动时间范围；服务端先检查活动时间范围）/ date in the "
                   "future (also outside the activity window, which the server checks first)"))

    r = plan[fault_base["i"]]
    faults.append((row_of(r, 开始时间="明天上午"), "开始时间", "(i) 无法识别的开始时间 / unparseable start time"))

    r = plan[fault_base["j"]]
    faults.append((row_of(r, **{"服务时长(小时)": "0"}), "服务时长(小时)", "(j) 服务时长为0 / zero hours"))

    r = plan[fault_base["k"]]
    other_name = g.name(vols[r.vol].sex, vols[r.vol].birth.year)
    faults.append((row_of(r, 姓名=other_name), "姓名",
                   "(k) 姓名与证件号码登记的姓名不一致 / name does not match the registered name"))

    expected = []
    for n, (row, column, desc) in enumerate(faults):
        bad_rows.append(row)
        expected.append((len(bad_rows) + 1, column, desc))   # +1: the header is line 1

    # ---- users -----------------------------------------------------------------------------------------------
    users = [["admin", "admin-demo-2026", "platform_admin", "", ""]]
    for n, o in enumerate(orgs, 1):
        users.append(["org%d-admin" % n, "demo-2026", "org_admin", o.code, ""])
        users.append(["org%d-staff" % n, "demo-2026", "org_staff", o.code, ""])
    users += [["inspector1", "demo-2026", "inspector", "", ""], ["inspector2", "demo-2026", "inspector", "", ""]]
    rec_count = Counter(r.vol for r in records)
    picks = []
    for want in ([0], [1], None):   # member of org 1, of org 2, of two organizations
        cands = [v for v in vols if v.doc_type == "居民身份证" and v.index not in faulty_vols
                 and v.index not in picks and rec_count[v.index] >= 5
                 and (len(v.orgs) == 2 if want is None else v.orgs == want)]
        picks.append(max(cands, key=lambda v: (rec_count[v.index], -v.index)).index)
    for n, vi in enumerate(picks, 1):
        users.append(["volunteer%d" % n, "demo-2026", "volunteer", "", vols[vi].doc])

    return dict(orgs=orgs, vols=vols, acts=acts, records=records, gbk_rows=gbk_rows, bad_rows=bad_rows,
                expected=expected, users=users)


# ---------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------

def csv_text(header, rows, newline):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def render(d):
    orgs, vols, acts = d["orgs"], d["vols"], d["acts"]
    files = {}
    files["organizations.csv"] = csv_text(ORG_HEADER, [
        [o.code, o.name, o.region, o.contact_name, o.contact_phone, "Asia/Shanghai"] for o in orgs], "\n").encode()
    files["volunteers.csv"] = csv_text(VOL_HEADER, [
        [v.name, v.sex, v.birth.isoformat(), v.doc_type, v.doc, v.residence, v.phone, ";".join(v.skills),
         ";".join(v.categories), ";".join(orgs[o].code for o in v.orgs)] for v in vols], "\n").encode()
    files["activities.csv"] = csv_text(ACT_HEADER, [
        [orgs[a.org].code, a.title, a.content, a.category, a.place, fmt(a.start), fmt(a.end), a.leader]
        for a in acts], "\n").encode()
    for o in orgs:
        recs = sorted((r for r in d["records"] if acts[r.act].org == o.index),
                      key=lambda r: (acts[r.act].start, r.start, vols[r.vol].name))
        rows = [[vols[r.vol].name, vols[r.vol].doc, acts[r.act].title, fmt(r.start), fmt(r.end),
                 fmt_hours(r.minutes), r.note, fmt(r.recorded)] for r in recs]
        files["records/%s.csv" % o.code] = csv_text(RECORD_HEADER, rows, "\n").encode("utf-8-sig")
    files["import-gbk.csv"] = csv_text(IMPORT_HEADER, d["gbk_rows"], "\r\n").encode("gbk")
    files["import-bad-rows.csv"] = csv_text(IMPORT_HEADER, d["bad_rows"], "\n").encode("utf-8-sig")
    files["import-bad-rows.expected.txt"] = "".join(
        "%d\t%s\t%s\n" % e for e in d["expected"]).encode()
    files["users.csv"] = csv_text(USER_HEADER, d["users"], "\n").encode()
    recruitments, join_requests = onboarding(d)
    files["recruitments.csv"] = csv_text(RECRUITMENT_HEADER, recruitments, "\n").encode()
    files["join-requests.csv"] = csv_text(JOIN_REQUEST_HEADER, join_requests, "\n").encode()
    files["organization-applications.csv"] = csv_text(ORG_APPLICATION_HEADER, organization_applications(), "\n").encode()
    files[ORG_APPLICATION_CERTIFICATE] = certificate_pdf()
    files["README.md"] = readme(d, files).encode()
    return files


def organization_applications():
    """One community team's application to the platform (组织入驻申请), waiting in the bureau's queue."""
    body8 = "MJ8KQ2TB"
    first17 = "59" + "330106" + body8 + org_code_check(body8)  # 民政, 其他
    code = first17 + credit_code_check(first17)
    return [["西溪社区银龄志愿服务队", code, "330106", "community_team", "沈秀英", "13857190426", "xixi-admin", "demo-2026",
             ORG_APPLICATION_CERTIFICATE]]


def certificate_pdf():
    """A one-page PDF standing in for a scanned registration certificate (its bytes begin with %PDF-)."""
    text = "(Registration certificate - sample) Tj"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 297] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               "<< /Length %d >>\nstream\nBT /F1 18 Tf 40 150 Td %s ET\nendstream" % (len("BT /F1 18 Tf 40 150 Td %s ET" % text), text),
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += "%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += "xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + "".join("%010d 00000 n \n" % o for o in offsets)
    out += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out.encode("ascii")


def onboarding(d):
    """Activities open for sign-up (dated from the day the samples are loaded, so `make run` always has some) and
    pending requests to join, from volunteers who are not members and have no demo log-in."""
    orgs, vols = d["orgs"], d["vols"]
    plans = [
        (0, "周末社区敬老院陪伴", "陪伴老人聊天、读报、做手工，协助护理员整理活动室。", "敬老扶幼", "上城区小营街道敬老院", 7, "09:00", "12:00", "everyone", 12, 2),
        (0, "西湖边垃圾分类宣传", "在景区入口向游客讲解垃圾分类，发放宣传册。", "环境保护", "西湖景区湖滨入口", 10, "14:00", "17:00", "everyone", 20, 1),
        (1, "和睦街道老年人智能手机课堂", "一对一教老年人使用健康码、移动支付和视频通话。", "知识普及", "和睦街道社区服务中心", 8, "09:30", "11:30", "everyone", 8, 1),
        (2, "社区应急救护培训志愿者", "协助红十字会讲师组织心肺复苏和止血包扎培训。", "应急救援", "西湖区文新街道文化家园", 12, "13:30", "17:00", "everyone", 6, 2),
        (3, "运河沿岸环境清洁", "清理运河步道垃圾，记录乱扔垃圾点位。", "环境保护", "拱宸桥东运河步道", 14, "08:30", "11:30", "everyone", 30, 1),
        (3, "志愿者骨干内部培训", "本组织骨干志愿者的组织协调培训。", "技能培训", "组织办公室", 9, "19:00", "21:00", "members", 15, 1),
    ]
    leaders = ["周海明", "陈婷", "王建国", "李晓燕"]
    recruitments = [[orgs[o].code, title, content, category, place, days, start, end, leaders[o % len(leaders)], audience, capacity,
                     before] for (o, title, content, category, place, days, start, end, audience, capacity, before) in plans]
    demo = {u[4] for u in d["users"] if u[4]}
    notes = ["住在附近，周末有空。", "", "想参加敬老类活动，有护理经验。"]
    join_requests = []
    for o, count in ((0, 3), (1, 1)):
        cands = [v for v in vols if o not in v.orgs and v.doc not in demo and v.doc_type == "居民身份证"]
        for n, v in enumerate(cands[:count]):
            join_requests.append([orgs[o].code, v.doc, notes[n % len(notes)]])
    return recruitments, join_requests


def readme(d, files):
    orgs = d["orgs"]
    n_rec = {o.code: len(rows_of(files["records/%s.csv" % o.code], "utf-8-sig")) - 1 for o in orgs}
    lines = [
        "# Sample data (synthetic)",
        "",
        "Generated by `python3 scripts/make_samples.py` (run from the project root; Python 3, standard library",
        "only, fixed seed %d, byte-for-byte reproducible). The script rewrites every file in this directory" % SEED,
        "except `holidays-cn.txt`, which is maintained separately. Do not edit the generated files by hand:",
        "change the script and run it again. All names, ID numbers, phone numbers and organizations are",
        "invented; the check characters are valid so that validators accept them.",
        "",
        "Unless noted, files are UTF-8 without BOM, comma-separated, header line first, RFC 4180 quoting,",
        "LF line endings. Times are local wall-clock times in Asia/Shanghai, `YYYY-MM-DD HH:MM`.",
        "",
        "| File | Contents |",
        "| --- | --- |",
        "| `organizations.csv` | 4 organizations in Hangzhou districts 330102/330105/330106/330108. `credit_code` is an 18-character 统一社会信用代码 (GB 32100-2015) with a valid check character: `51` (民政 / 社会团体) + region code + 9-character organization code (itself with a valid GB 11714 check character) + check character. |",
        "| `volunteers.csv` | 200 volunteers aged 16–75 on 2026-11-25. 197 have a 居民身份证 (GB 11643-1999: region code, birth date equal to `birth_date`, sequence whose last digit is odd for 男 / even for 女, valid check character), 3 a 护照 (`E` + 8 digits). Document numbers and phones are unique. `skills`, `service_categories` and `organizations` (credit codes) are `;`-separated; 40 volunteers (20 %) belong to two organizations. |",
        "| `activities.csv` | 12 activities per organization (48), 2025-01 to 2026-10, all 11 service categories. Windows are 3 hours to 3 days (a few multi-day; the multi-day 应急救援 activities are worked in 12-hour shifts, including overnight). Titles are unique within an organization. |",
        "| `records/<credit_code>.csv` | Service records of each organization, **UTF-8 with BOM**. Header `%s`. %s records in total (%s). |" % (
            ",".join(RECORD_HEADER), sum(n_rec.values()), ", ".join("%s: %d" % (c, n) for c, n in n_rec.items())),
        "| `import-gbk.csv` | A valid import file for the first organization (`%s`) as Excel in China saves it: **GBK, CRLF, no BOM**, header `%s`, %d rows, none of them in `records/`. |" % (
            orgs[0].code, ",".join(IMPORT_HEADER), len(d["gbk_rows"])),
        "| `import-bad-rows.csv` | Import file for the second organization (`%s`), UTF-8 with BOM, LF: 8 valid rows (lines 2–9), then one row per fault (lines 10–20). |" % orgs[1].code,
        "| `import-bad-rows.expected.txt` | `LINE<TAB>COLUMN<TAB>fault` for every faulty row of `import-bad-rows.csv` (header = line 1). COLUMN is the column the server reports. |",
        "| `users.csv` | Demo log-ins: `admin` / `admin-demo-2026` (platform_admin); `orgN-admin` and `orgN-staff` per organization in the order of `organizations.csv`, two `inspector`s and `volunteer1`–`volunteer3` (linked by document number), all with password `demo-2026`. |",
        "| `recruitments.csv` | %d activities opened for sign-up (5 to every volunteer, 1 to members only). They start `starts_in_days` days after the day the samples are loaded (in the organization's zone), from `start` to `end`; sign-up closes `deadline_days_before` days before, at the same time of day; `capacity` places. |" % len(rows_of(files["recruitments.csv"], "utf-8")[1:]),
        "| `join-requests.csv` | %d pending requests to join an organization (申请加入), by volunteers who are not its members and have no demo log-in, with an optional note. |" % len(rows_of(files["join-requests.csv"], "utf-8")[1:]),
        "| `organization-applications.csv` | %d organization's application to the platform (组织入驻申请) waiting in the bureau's queue (`/admin/applications`): a community volunteer team (`registration_type` `community_team`) with a credit code not yet registered, its first admin's login (password `demo-2026`) and its certificate file. |" % len(rows_of(files["organization-applications.csv"], "utf-8")[1:]),
        "| `%s` | The application's registration certificate: a one-page PDF. |" % ORG_APPLICATION_CERTIFICATE,
        "",
        "## Rules every service record obeys",
        "",
        "These hold for all rows of `records/*.csv`, `import-gbk.csv` and the valid rows of `import-bad-rows.csv`",
        "taken together; the generator's independent checker asserts every one of them before it writes a file.",
        "",
        "- The volunteer (identified by 证件号码, with the matching 姓名) is a member of the organization, and",
        "  活动 is the title of one of that organization's activities.",
        "- 开始时间 < 结束时间, both inside the activity's window; every service ends before 2026-11-01.",
        "- 服务时长(小时) is a decimal with at most 2 decimals (quarter hours: x, x.25, x.5, x.75), > 0 and",
        "  <= (结束时间 - 开始时间) in hours.",
        "- No two records of one volunteer overlap in time, across all organizations and files (they do not",
        "  even touch: there are at least 15 minutes between them).",
        "- At most 24 hours of service per volunteer per calendar day (by the start date).",
        "- The volunteer was at least 16 years old on the day of the activity.",
        "- 登记时间 (records/ only) is between the activity end and 10 days after it for ~90 % of the records and",
        "  20–60 days after it for the other ~10 % (late: past the 10-working-day deadline under any holiday",
        "  calendar); it is never later than %s." % fmt(REG_CUTOFF),
        "- 备注 is mostly empty; some notes contain a comma or double quotes, so quoting is exercised.",
        "- `import-gbk.csv` and `import-bad-rows.csv` only use volunteers with a 居民身份证 (the files have no",
        "  证件类型 column).",
        "",
        "## Faulty rows of import-bad-rows.csv",
        "",
        "One fault per row, in this order: (a) ID number with a wrong check character; (b) valid ID number of",
        "nobody registered; (c) 结束时间 before 开始时间; (d) 服务时长 greater than end - start; (e) activity title",
        "that does not exist in the organization; (f) start and end before the activity's window; (g) overlap",
        "with an existing record of the same volunteer in another organization's `records/` file; (h) a date in",
        "the future (2027-01-05, necessarily also outside the activity window, so the server reports it as",
        "outside the window on 开始时间); (i) unparseable 开始时间 `明天上午`; (j) 服务时长 = 0; (k) 姓名 that does",
        "not match the name registered for the ID number. See `import-bad-rows.expected.txt`.",
        "",
    ]
    return "\n".join(lines)


def rows_of(data, encoding):
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


# ---------------------------------------------------------------------------------------------------
# Independent checker: works only from the encoded bytes of the files
# ---------------------------------------------------------------------------------------------------

class CheckFailed(Exception):
    pass


def check_files(files):
    """Parses the encoded files and re-derives every rule.  Raises CheckFailed on the first violation."""
    problems = []

    def need(cond, msg):
        if not cond:
            problems.append(msg)
            if len(problems) >= 30:
                raise CheckFailed("\n".join(problems))

    # check characters, written differently from the generator: weights are powers of 3 mod 31 / 2 mod 11
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

    def cc_ok(code):
        if len(code) != 18 or any(c not in alphabet for c in code):
            return False
        s = sum(alphabet.find(code[i]) * pow(3, i, 31) for i in range(17))
        return alphabet.find(code[17]) == (31 - s % 31) % 31

    def id_ok(doc):
        if not re.fullmatch(r"\d{17}[\dX]", doc):
            return False
        s = sum(int(doc[i]) * pow(2, 17 - i, 11) for i in range(17))
        c = (12 - s % 11) % 11
        return doc[17] == ("X" if c == 10 else str(c))

    def load(name, encoding, header, crlf=False, bom=False):
        data = files.get(name)
        need(data is not None, "missing file " + name)
        if data is None:
            return []
        need(data.startswith(b"\xef\xbb\xbf") == bom, name + ": BOM presence wrong")
        if crlf:
            need(data.count(b"\n") == data.count(b"\r\n") and data.endswith(b"\r\n"), name + ": not CRLF")
        else:
            need(b"\r" not in data and data.endswith(b"\n"), name + ": not LF")
        try:
            text = (data[3:] if bom else data).decode(encoding)
            need("\ufeff" not in text, name + ": stray BOM")
        except UnicodeDecodeError as exc:
            need(False, "%s: not %s: %s" % (name, encoding, exc))
            return []
        if encoding == "gbk":
            need(not data.startswith(b"\xef\xbb\xbf"), name + ": BOM")
            need(any(b > 0x7F for b in data) and not _is_utf8(data), name + ": does not look like GBK")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        need(rows and rows[0] == header, "%s: header %r" % (name, rows[0] if rows else None))
        need(all(len(r) == len(header) for r in rows), name + ": ragged rows")
        need(text.count("\r\n" if crlf else "\n") == len(rows), name + ": a field spans lines")
        return rows[1:]

    def parse_time(text):
        if not re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", text):
            return None
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            return None

    def parse_hours(text):
        m = re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", text)
        if not m:
            return None
        hundredths = int(m.group(1)) * 100 + int((m.group(2) or "").ljust(2, "0"))
        return hundredths * 60 / 100   # minutes, possibly fractional

    cats = set("敬老扶幼 助残扶弱 扶危济困 应急救援 社区服务 环境保护 知识普及 卫生保健 技能培训 文化体育 其他".split())

    # organizations
    org_rows = load("organizations.csv", "utf-8", ORG_HEADER)
    need(len(org_rows) == 4, "need 4 organizations")
    regions = []
    for code, name, region, cname, cphone, tz in org_rows:
        need(cc_ok(code), "bad credit code " + code)
        need(code[0] == "5" and code[1] in "13", "credit code must start 51/53: " + code)
        need(code[2:8] == region and re.fullmatch(r"\d{6}", region), "region mismatch " + code)
        need(re.fullmatch(r"1[3-9]\d{9}", cphone), "contact phone " + cphone)
        need(tz == "Asia/Shanghai" and name and cname, "org fields " + code)
        regions.append(region)
    need(len({r[:4] for r in regions}) == 1, "organizations not in one city")
    org_codes = [r[0] for r in org_rows]
    need(len(set(org_codes)) == 4, "duplicate credit codes")

    # volunteers
    vol_rows = load("volunteers.csv", "utf-8", VOL_HEADER)
    need(len(vol_rows) == 200, "need 200 volunteers")
    by_doc, phones, names, n_passport, n_two = {}, set(), set(), 0, 0
    for name, sex, birth, dtype, doc, area, phone, skills, vcats, vorgs in vol_rows:
        b = None
        try:
            b = date.fromisoformat(birth)
        except ValueError:
            need(False, "birth date " + birth)
            continue
        age = TODAY.year - b.year - ((TODAY.month, TODAY.day) < (b.month, b.day))
        need(16 <= age <= 75, "age %d of %s" % (age, name))
        need(sex in ("男", "女"), "sex " + sex)
        if dtype == "居民身份证":
            need(id_ok(doc), "bad ID number " + doc)
            need(doc[6:14] == b.strftime("%Y%m%d"), "ID birth date mismatch " + doc)
            need(int(doc[16]) % 2 == (1 if sex == "男" else 0), "ID sex digit mismatch " + doc)
        else:
            need(dtype == "护照" and re.fullmatch(r"E\d{8}", doc), "passport " + doc)
            n_passport += 1
        need(doc not in by_doc, "duplicate document " + doc)
        need(phone not in phones and re.fullmatch(r"1[3-9]\d{9}", phone), "phone " + phone)
        phones.add(phone)
        names.add(name)
        need(re.fullmatch(r"杭州市\S+区", area), "residence " + area)
        need(skills and all(skills.split(";")), "skills of " + name)
        need(vcats and all(c in cats for c in vcats.split(";")), "categories of " + name)
        olist = vorgs.split(";")
        need(1 <= len(olist) <= 2 and len(set(olist)) == len(olist) and all(o in org_codes for o in olist),
             "organizations of " + name)
        n_two += len(olist) == 2
        by_doc[doc] = dict(name=name, sex=sex, birth=b, type=dtype, orgs=olist)
    need(n_passport == 3, "need exactly 3 passports")
    need(len(names) == 200, "volunteer names not unique")
    need(30 <= n_two <= 50, "about 20 %% should be in two organizations (%d)" % n_two)

    # activities
    act_rows = load("activities.csv", "utf-8", ACT_HEADER)
    acts = {}
    used_cats = set()
    for code, title, content, cat, place, start, end, leader in act_rows:
        s, e = parse_time(start), parse_time(end)
        need(code in org_codes, "activity org " + code)
        need((code, title) not in acts, "duplicate title %s in %s" % (title, code))
        need(cat in cats, "activity category " + cat)
        need(s and e and timedelta(hours=3) <= e - s <= timedelta(days=3), "activity window " + title)
        need(s and e and s >= DATA_START and e <= SERVICE_LIMIT and e < ACTIVITY_END_LIMIT, "activity dates " + title)
        need(title and content and place and 2 <= len(leader) <= 4, "activity fields " + title)
        used_cats.add(cat)
        acts[(code, title)] = (s, e)
    per_org = Counter(c for c, _ in acts)
    need(all(10 <= per_org[c] <= 14 for c in org_codes), "about 12 activities per organization")
    need(len(used_cats) >= 9, "too few categories used")

    # service records (records/, GBK import, valid rows of the bad-rows import)
    intervals = defaultdict(list)     # doc -> [(start, end, where)]
    daily = defaultdict(float)        # (doc, date) -> minutes
    seen = set()
    total, late, rec_counts = 0, 0, {}

    def check_record(where, org, row, recorded=None):
        nonlocal late
        name, doc, title, start, end, hours, note = row[:7]
        v = by_doc.get(doc)
        need(v is not None, "%s: unknown document %s" % (where, doc))
        if v is None:
            return
        need(v["name"] == name, "%s: name %s does not match %s" % (where, name, doc))
        need(org in v["orgs"], "%s: %s is not a member of %s" % (where, name, org))
        win = acts.get((org, title))
        need(win is not None, "%s: no activity %s" % (where, title))
        s, e, m = parse_time(start), parse_time(end), parse_hours(hours)
        need(s is not None and e is not None, "%s: bad time" % where)
        need(m is not None, "%s: bad hours %r" % (where, hours))
        if None in (win, s, e, m):
            return
        need(s < e, "%s: start not before end" % where)
        need(win[0] <= s and e <= win[1], "%s: outside the activity window" % where)
        need(e <= SERVICE_LIMIT, "%s: not before 2026-11-01" % where)
        span = (e - s).total_seconds() / 60
        need(0 < m <= span, "%s: hours %s vs span %s min" % (where, hours, span))
        need(m == int(m) and int(m) % 15 == 0, "%s: hours %s not whole minutes / quarter hours" % (where, hours))
        b = v["birth"]
        need(s.year - b.year - ((s.month, s.day) < (b.month, b.day)) >= 16, "%s: volunteer under 16" % where)
        for os_, oe, ow in intervals[doc]:
            need(not (s < oe and os_ < e), "%s overlaps %s (%s)" % (where, ow, name))
        intervals[doc].append((s, e, where))
        daily[(doc, s.date())] += m
        need(daily[(doc, s.date())] <= 24 * 60, "%s: more than 24 h on %s" % (where, s.date()))
        key = (org, doc, title, start, end)
        need(key not in seen, "%s: duplicate record" % where)
        seen.add(key)
        if recorded is not None:
            r = parse_time(recorded)
            need(r is not None, "%s: bad 登记时间" % where)
            if r is None:
                return
            delay = r - win[1]
            need(r <= REG_CUTOFF and r < NOW, "%s: 登记时间 in the future" % where)
            ok_on_time = timedelta(0) <= delay <= timedelta(days=ON_TIME_DAYS)
            ok_late = timedelta(days=LATE_MIN_DAYS) <= delay <= timedelta(days=LATE_MAX_DAYS)
            need(ok_on_time or ok_late, "%s: 登记时间 %s delay %s" % (where, recorded, delay))
            if ok_late:
                late += 1
                need(r.date() > latest_possible_deadline(win[1].date()), "%s: late record not late" % where)

    notes_special = 0
    for code in org_codes:
        name = "records/%s.csv" % code
        rows = load(name, "utf-8", RECORD_HEADER, bom=True)
        rec_counts[name] = len(rows)
        for n, row in enumerate(rows, 2):
            check_record("%s:%d" % (name, n), code, row, recorded=row[7])
            notes_special += ("," in row[6] or '"' in row[6])
        total += len(rows)
    need(1800 <= total <= 2200, "about 2000 records expected, got %d" % total)
    need(0.08 <= late / max(total, 1) <= 0.12, "late share %.3f" % (late / max(total, 1)))
    need(notes_special >= 10, "too few notes exercising quoting")
    need(len(files) == len(org_codes) + 12, "unexpected set of files: %s" % sorted(files))
    for n, row in enumerate(load("organization-applications.csv", "utf-8", ORG_APPLICATION_HEADER), 2):
        need(len(row[1]) == 18 and credit_code_check(row[1][:17]) == row[1][17] and row[1] not in org_codes
             and row[3] in ("social_group", "social_service", "foundation", "community_team") and row[8] in files
             and files[row[8]].startswith(b"%PDF-"),
             "organization-applications.csv:%d: credit code, registration type or certificate" % n)
    # Onboarding: recruitments of known organizations and categories, join requests by non-members.
    member_of = {row[4]: set(row[9].split(";")) for row in vol_rows}
    for n, row in enumerate(load("recruitments.csv", "utf-8", RECRUITMENT_HEADER), 2):
        need(row[0] in org_codes and row[3] in CATEGORIES and row[9] in ("everyone", "members"),
             "recruitments.csv:%d: unknown organization, category or audience" % n)
        need(0 < int(row[10]) and 0 < int(row[11]) < int(row[5]) and row[6] < row[7],
             "recruitments.csv:%d: capacity, deadline or times" % n)
    for n, row in enumerate(load("join-requests.csv", "utf-8", JOIN_REQUEST_HEADER), 2):
        need(row[0] in org_codes and row[1] in member_of and row[0] not in member_of[row[1]] and len(row[2]) <= 200,
             "join-requests.csv:%d: not a non-member of a known organization" % n)

    gbk_rows = load("import-gbk.csv", "gbk", IMPORT_HEADER, crlf=True)
    need(len(gbk_rows) == 30, "GBK import must have 30 rows")
    need(any(re.search(r"[\u4e00-\u9fff]", r[6]) for r in gbk_rows), "GBK notes without Chinese text")
    for n, row in enumerate(gbk_rows, 2):
        need(by_doc.get(row[1], {}).get("type") == "居民身份证", "import-gbk.csv:%d not a 居民身份证" % n)
        check_record("import-gbk.csv:%d" % n, org_codes[0], row)

    bad = load("import-bad-rows.csv", "utf-8", IMPORT_HEADER, bom=True)
    need(len(bad) == 19, "bad-rows import must have 8 + 11 rows")
    for n, row in enumerate(bad[:8], 2):
        need(by_doc.get(row[1], {}).get("type") == "居民身份证", "import-bad-rows.csv:%d not a 居民身份证" % n)
        check_record("import-bad-rows.csv:%d" % n, org_codes[1], row)

    # The faulty rows: every fault the row has, evaluated in the server's order
    # (document -> name -> times parse -> activity -> hours parse -> end>start -> hours>0 -> hours<=span
    #  -> window -> future -> overlap -> daily limit).
    def faults_of(row):
        name, doc, title, start, end, hours, _ = row
        out = []
        if not id_ok(doc):
            out.append(("证件号码", "checksum"))
            return out
        v = by_doc.get(doc)
        if v is None:
            out.append(("证件号码", "unknown"))
            return out
        if v["name"] != name:
            out.append(("姓名", "name"))
        s, e = parse_time(start), parse_time(end)
        if s is None:
            out.append(("开始时间", "unparseable"))
        if e is None:
            out.append(("结束时间", "unparseable"))
        win = acts.get((org_codes[1], title))
        if win is None:
            out.append(("活动", "no-activity"))
        m = parse_hours(hours)
        if m is None:
            out.append(("服务时长(小时)", "unparseable"))
        if None in (s, e, win, m):
            return out
        if e <= s:
            out.append(("结束时间", "end-not-after-start"))
        if m <= 0:
            out.append(("服务时长(小时)", "not-positive"))
        if m > (e - s).total_seconds() / 60:
            out.append(("服务时长(小时)", "exceeds-span"))
        if not (win[0] <= s and e <= win[1]):
            out.append(("开始时间", "outside-window"))
        if e > NOW:
            out.append(("结束时间", "future"))
        if any(s < oe and os_ < e for os_, oe, _ in intervals[doc]):
            out.append(("开始时间", "overlap"))
        if s < e and daily[(doc, s.date())] + m > 24 * 60:
            out.append(("服务时长(小时)", "daily-limit"))
        return out

    expected_codes = {
        "a": [("证件号码", "checksum")],
        "b": [("证件号码", "unknown")],
        "c": [("结束时间", "end-not-after-start"), ("服务时长(小时)", "exceeds-span")],
        "d": [("服务时长(小时)", "exceeds-span")],
        "e": [("活动", "no-activity")],
        "f": [("开始时间", "outside-window")],
        "g": [("开始时间", "overlap")],
        "h": [("开始时间", "outside-window"), ("结束时间", "future")],
        "i": [("开始时间", "unparseable")],
        "j": [("服务时长(小时)", "not-positive")],
        "k": [("姓名", "name")],
    }
    exp_lines = files.get("import-bad-rows.expected.txt", b"").decode("utf-8").split("\n")
    need(exp_lines[-1] == "" and len(exp_lines) == 12, "expected.txt must have 11 lines")
    for k, (letter, line) in enumerate(zip("abcdefghijk", exp_lines)):
        parts = line.split("\t")
        need(len(parts) == 3, "expected.txt line %r" % line)
        if len(parts) != 3:
            continue
        row = bad[8 + k]
        need(parts[0] == str(10 + k), "expected.txt line number %s for (%s)" % (parts[0], letter))
        need(parts[2].startswith("(%s)" % letter), "expected.txt fault letter %r" % parts[2])
        got = faults_of(row)
        need(got == expected_codes[letter], "fault (%s) row %r has faults %r" % (letter, row, got))
        need(parts[1] == got[0][0] if got else False, "expected.txt column for (%s)" % letter)
        if letter == "b":
            need(row[0] not in names and row[1] not in by_doc, "(b) must be nobody")
        if letter == "k":
            need(row[0] not in names, "(k) name should belong to nobody")
        if letter == "h":
            need(parse_time(row[3]) and parse_time(row[3]).date() == date(2027, 1, 5), "(h) date")
        if letter == "g":
            hits = [w for os_, oe, w in intervals[row[1]]
                    if parse_time(row[3]) < oe and os_ < parse_time(row[4])]
            need(hits and all(w.startswith("records/") for w in hits), "(g) must overlap a records/ row")
    need(len({r[1] for r in bad}) == len(bad), "bad-rows import reuses a volunteer")

    # users
    users = load("users.csv", "utf-8", USER_HEADER)
    roles = Counter(u[2] for u in users)
    need(roles == Counter(platform_admin=1, org_admin=4, org_staff=4, inspector=2, volunteer=3), "roles %r" % roles)
    need(len({u[0] for u in users}) == len(users), "duplicate usernames")
    for username, password, role, org, vdoc in users:
        need(password == ("admin-demo-2026" if username == "admin" else "demo-2026"), "password of " + username)
        need((org in org_codes) == (role in ("org_admin", "org_staff")) and (org == "" or org in org_codes),
             "organization of " + username)
        need((vdoc in by_doc) == (role == "volunteer") and (vdoc == "" or vdoc in by_doc), "document of " + username)
    for n, code in enumerate(org_codes, 1):
        need(["org%d-admin" % n, "demo-2026", "org_admin", code, ""] in users, "org%d-admin" % n)
        need(["org%d-staff" % n, "demo-2026", "org_staff", code, ""] in users, "org%d-staff" % n)

    if problems:
        raise CheckFailed("\n".join(problems))
    return dict(records=rec_counts, total=total, late=late)


def _is_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------

def main():
    data = build()
    files = render(data)
    try:
        stats = check_files(files)
    except CheckFailed as exc:
        sys.exit("make_samples.py: self-check FAILED, nothing written:\n" + str(exc))

    SAMPLES.mkdir(exist_ok=True)
    records_dir = SAMPLES / "records"
    if records_dir.exists():
        for p in sorted(records_dir.iterdir()):
            if p.is_file() and p.suffix == ".csv":
                p.unlink()
    records_dir.mkdir(exist_ok=True)
    for rel, content in files.items():
        (SAMPLES / rel).write_bytes(content)
    unknown = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*")
                     if p.is_file() and str(p.relative_to(SAMPLES)) not in files
                     and p.name not in KEEP)
    if unknown:
        print("warning: files under samples/ not produced by this script: " + ", ".join(unknown),
              file=sys.stderr)

    back = {rel: (SAMPLES / rel).read_bytes() for rel in files}
    try:
        check_files(back)
    except CheckFailed as exc:
        sys.exit("make_samples.py: self-check of the written files FAILED:\n" + str(exc))

    print("wrote %d files under %s" % (len(files), SAMPLES))
    for rel, n in sorted(stats["records"].items()):
        print("  %-40s %4d records" % (rel, n))
    print("  %d records in samples/records/, %d late (%.1f %%)" % (stats["total"], stats["late"],
                                                                     100.0 * stats["late"] / stats["total"]))
    print("  import-gbk.csv: %d rows; import-bad-rows.csv: %d rows (%d faulty)" % (
        len(data["gbk_rows"]), len(data["bad_rows"]), len(data["expected"])))


if __name__ == "__main__":
    main()

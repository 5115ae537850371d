# time: struct_time, gmtime, mktime, strftime, asctime and their errors. Local time
# is printed only through relations that hold in every zone (the programs run in UTC
# for the fixtures, but the local zone is not assumed).
import time


def error(label, fn):
    try:
        fn()
    except Exception as e:
        print(label, type(e).__name__, e)
    else:
        print(label, 'no error')


g = time.gmtime(0)
print(g)
print('fields', g.tm_year, g.tm_mon, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec, g.tm_wday, g.tm_yday, g.tm_isdst, g.tm_zone, g.tm_gmtoff)
print('tuple', tuple(g), g[:3], g[-1], len(g), g == tuple(g), isinstance(g, tuple))
print('type', type(g).__name__, type(g).__module__, time.struct_time.n_fields, time.struct_time.n_sequence_fields, time.struct_time.n_unnamed_fields)
print('reduce', g.__reduce__())
for secs in (1e9, -1, -1.5, 951782400, 4107542400, -62135596800, 2**31, 1234567890.999, 86400 * 365.25 * 30):
    print(secs, tuple(time.gmtime(secs)))
print('leap days', [time.gmtime(d * 86400 + 951696000)[1:3] for d in range(3)])

s = time.struct_time((2024, 2, 29, 12, 30, 45, 3, 60, 0))
print(s, s.tm_zone, s.tm_gmtoff)
s11 = time.struct_time((2024, 2, 29, 12, 30, 45, 3, 60, 0, 'XYZ', 3600))
print('eleven', s11, s11.tm_zone, s11.tm_gmtoff)
s_dict = time.struct_time(range(9), {'tm_zone': 'ABC'})
print('dict', s_dict.tm_zone, s_dict.tm_gmtoff)

fmt = '%a %A %b %B %c|%C %d %D %e %F|%G %g %V|%H %I %j %k %l %m %M %p %P|%r %R %S %T|%u %U %w %W|%x %X %y %Y %%'
for secs in (0, 1e9, 1709209845, 1609459200, 1230681600, -86400 * 400):
    print(time.strftime(fmt, time.gmtime(secs)))
print(time.strftime('%z %Z', time.gmtime(0)), time.strftime('%z %Z', s11))
print(time.strftime('%-d|%_d|%05d|%^a|%#b|%10Y|%-j|%Ey|%Od|%q|%', (2000, 1, 1, 0, 0, 0, 5, 1, 0)))
print(time.strftime('month and days zero', (2000, 0, 0, 0, 0, 0, 0, 0, 0)), time.strftime('%m %d %j', (2000, 0, 0, 0, 0, 0, 0, 0, 0)))
print(time.strftime('%Y %C %y', (5, 1, 1, 0, 0, 0, 0, 1, 0)), time.strftime('%Y %C %y', (-5, 1, 1, 0, 0, 0, 0, 1, 0)))
print(repr(time.strftime('', g)))

print(time.asctime(g), '|', time.asctime((2000, 1, 1, 0, 0, 0, 9, 1, 0)), '|', time.asctime((12345, 12, 31, 23, 59, 59, 6, 365, 0)))
print(len(time.ctime()), len(time.asctime()), time.ctime(0) == time.asctime(time.localtime(0)))

now = time.time()
local = time.localtime(now)
print('mktime round trip', time.mktime(local) == float(int(now)), type(time.mktime(local)).__name__)
print('localtime offset', local.tm_gmtoff == time.mktime(time.gmtime(0)) * -1 or time.daylight == 1)
print('zone', isinstance(time.timezone, int), isinstance(time.altzone, int), time.daylight in (0, 1), len(time.tzname))
print('local fields', len(local), local.tm_isdst in (0, 1), isinstance(local.tm_zone, str))
print('mktime normalizes', time.mktime((2000, 13, 1, 0, 0, 0, 0, 1, 0)) - time.mktime((2001, 1, 1, 0, 0, 0, 0, 1, 0)))

error('struct short', lambda: time.struct_time((1, 2)))
error('struct long', lambda: time.struct_time(range(12)))
error('struct not sequence', lambda: time.struct_time(5))
error('struct dict extra', lambda: time.struct_time(range(10), {'tm_zone': 'X', 'tm_gmtoff': 5}))
error('gmtime str', lambda: time.gmtime('a'))
error('gmtime nan', lambda: time.gmtime(float('nan')))
error('gmtime huge float', lambda: time.gmtime(1e20))
error('gmtime huge int', lambda: time.gmtime(2 ** 70))
error('gmtime year overflow', lambda: time.gmtime(1e18))
error('mktime short', lambda: time.mktime((1, 2)))
error('mktime int', lambda: time.mktime(5))
error('mktime str items', lambda: time.mktime(('a',) * 9))
error('strftime month', lambda: time.strftime('%Y', (2000, 13, 1, 0, 0, 0, 0, 1, 0)))
error('strftime mday', lambda: time.strftime('%Y', (2000, 1, 32, 0, 0, 0, 0, 1, 0)))
error('strftime hour', lambda: time.strftime('%Y', (2000, 1, 1, 24, 0, 0, 0, 1, 0)))
error('strftime minute', lambda: time.strftime('%Y', (2000, 1, 1, 0, 60, 0, 0, 1, 0)))
error('strftime second', lambda: time.strftime('%Y', (2000, 1, 1, 0, 0, 62, 0, 1, 0)))
error('strftime wday', lambda: time.strftime('%Y', (2000, 1, 1, 0, 0, 0, -2, 1, 0)))
error('strftime yday', lambda: time.strftime('%Y', (2000, 1, 1, 0, 0, 0, 0, 367, 0)))
error('strftime isdst', lambda: time.strftime('%Y', (2000, 1, 1, 0, 0, 0, 0, 1, -5)))
error('strftime format', lambda: time.strftime(5))
error('strftime tuple', lambda: time.strftime('%Y', 5))
error('strftime short', lambda: time.strftime('%Y', (1, 2, 3)))
error('strftime nul', lambda: time.strftime('a\0b', g))
error('strftime big', lambda: time.strftime('%Y', (2 ** 40, 1, 1, 0, 0, 0, 0, 1, 0)))
error('asctime month', lambda: time.asctime((2000, 13, 1, 0, 0, 0, 0, 1, 0)))
error('asctime short', lambda: time.asctime((1,) * 8))

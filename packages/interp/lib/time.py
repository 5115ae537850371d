"""Time access and conversions (CPython's time module).

ft's own implementation in Python over ``_time`` (src/modules/time.ts:
the clocks, ``sleep`` and the local zone at an instant, which JavaScript's
Date knows). ``struct_time`` is a tuple subclass with CPython's fields,
and the calendar arithmetic (gmtime, localtime, mktime) is the proleptic
Gregorian calendar by day numbers; strftime formats as glibc does in the
C locale.
"""

from _time import (time, time_ns, monotonic, monotonic_ns, perf_counter,
                   perf_counter_ns, process_time, process_time_ns,
                   thread_time, thread_time_ns, sleep, _localtz)

__all__ = ['altzone', 'asctime', 'ctime', 'daylight', 'gmtime', 'localtime',
           'mktime', 'monotonic', 'monotonic_ns', 'perf_counter',
           'perf_counter_ns', 'process_time', 'process_time_ns', 'sleep',
           'strftime', 'struct_time', 'thread_time', 'thread_time_ns', 'time',
           'time_ns', 'timezone', 'tzname']

_FIELDS = ('tm_year', 'tm_mon', 'tm_mday', 'tm_hour', 'tm_min', 'tm_sec',
           'tm_wday', 'tm_yday', 'tm_isdst')
_EXTRA_FIELDS = ('tm_zone', 'tm_gmtoff')

_DAY_NAMES = ('Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat')
_FULL_DAY_NAMES = ('Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday',
                   'Friday', 'Saturday')
_MONTH_NAMES = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug',
                'Sep', 'Oct', 'Nov', 'Dec')
_FULL_MONTH_NAMES = ('January', 'February', 'March', 'April', 'May', 'June',
                     'July', 'August', 'September', 'October', 'November',
                     'December')

_TIME_T_MIN = -(1 << 63)
_TIME_T_MAX = (1 << 63) - 1
_INT_MIN = -(1 << 31)
_INT_MAX = (1 << 31) - 1


# ---------------------------------------------------------------------------
# struct_time
# ---------------------------------------------------------------------------

class struct_time(tuple):
    """A time as nine fields (year, month, day, hour, minute, second,
    weekday with Monday 0, day of the year, DST flag), a tuple of them; the
    zone name and UTC offset are attributes only."""

    n_sequence_fields = 9
    n_fields = 11
    n_unnamed_fields = 0

    def __new__(cls, sequence, dict=None):
        try:
            items = tuple(sequence)
        except TypeError:
            raise TypeError('constructor requires a sequence') from None
        n = len(items)
        if n < 9:
            raise TypeError('time.struct_time() takes an at least 9-sequence (%d-sequence given)' % n)
        if n > 11:
            raise TypeError('time.struct_time() takes an at most 11-sequence (%d-sequence given)' % n)
        self = tuple.__new__(cls, items[:9])
        extra = list(items[9:]) + [None] * (11 - n)
        if dict is not None:
            used = 0
            for i, name in enumerate(_EXTRA_FIELDS):
                if n <= 9 + i and name in dict:
                    extra[i] = dict[name]
                    used += 1
            if len(dict) > used:
                raise TypeError('time.struct_time() got duplicate or unexpected field name(s)')
        # The two fields past the sequence live in the instance's dict.
        self._extra = tuple(extra)
        return self

    tm_year = property(lambda self: self[0])
    tm_mon = property(lambda self: self[1])
    tm_mday = property(lambda self: self[2])
    tm_hour = property(lambda self: self[3])
    tm_min = property(lambda self: self[4])
    tm_sec = property(lambda self: self[5])
    tm_wday = property(lambda self: self[6])
    tm_yday = property(lambda self: self[7])
    tm_isdst = property(lambda self: self[8])
    tm_zone = property(lambda self: self._extra[0])
    tm_gmtoff = property(lambda self: self._extra[1])

    def __repr__(self):
        return 'time.struct_time(%s)' % ', '.join(
            '%s=%r' % (name, value) for name, value in zip(_FIELDS, self))

    def __reduce__(self):
        return (struct_time, (tuple(self), {'tm_zone': self.tm_zone, 'tm_gmtoff': self.tm_gmtoff}))


struct_time.__module__ = 'time'


# ---------------------------------------------------------------------------
# Calendar arithmetic
# ---------------------------------------------------------------------------

def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_year(year):
    return 366 if _is_leap(year) else 365


def _days_before_month(year, month):
    days = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)[month - 1]
    return days + 1 if month > 2 and _is_leap(year) else days


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 of a proleptic Gregorian date (month 1..12)."""
    # Count from March 1 of year 0 in 400-year eras of 146097 days.
    y = year - (month <= 2)
    era = y // 400
    year_of_era = y - era * 400
    shifted_month = (month + 9) % 12          # March = 0
    day_of_year = (153 * shifted_month + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _civil_from_days(days):
    """(year, month, day) of a day number since 1970-01-01."""
    z = days + 719468
    era = z // 146097
    day_of_era = z - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524
                   - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + 3 if shifted_month < 10 else shifted_month - 9
    return year_of_era + era * 400 + (month <= 2), month, day


def _seconds_arg(seconds):
    """_PyTime_ObjectToTime_t with round-floor: an int of time_t's range."""
    if seconds is None:
        return int(time() // 1)
    if isinstance(seconds, float):
        if seconds != seconds:
            raise ValueError('Invalid value NaN (not a number)')
        if not (_TIME_T_MIN <= seconds < _TIME_T_MAX):
            raise OverflowError('timestamp out of range for platform time_t')
        return int(seconds // 1)
    value = seconds.__index__() if hasattr(type(seconds), '__index__') else None
    if value is None:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(seconds).__name__)
    if not (_TIME_T_MIN <= value <= _TIME_T_MAX):
        raise OverflowError('timestamp out of range for platform time_t')
    return value


def _fields(seconds, isdst, zone, gmtoff):
    """struct_time of `seconds` already shifted into the wanted zone."""
    days, secs = divmod(seconds, 86400)
    year, month, day = _civil_from_days(days)
    if not (_INT_MIN <= year - 1900 <= _INT_MAX):
        raise OSError(75, 'Value too large for defined data type')
    hour, rest = divmod(secs, 3600)
    minute, sec = divmod(rest, 60)
    wday = (days + 3) % 7                     # 1970-01-01 was a Thursday; Monday is 0
    yday = days - _days_from_civil(year, 1, 1) + 1
    return struct_time((year, month, day, hour, minute, sec, wday, yday, isdst, zone, gmtoff))


def gmtime(seconds=None, /):
    """The UTC struct_time of seconds since the epoch (default: now)."""
    return _fields(_seconds_arg(seconds), 0, 'GMT', 0)


def localtime(seconds=None, /):
    """The local struct_time of seconds since the epoch (default: now)."""
    secs = _seconds_arg(seconds)
    gmtoff, isdst, zone = _localtz(secs)
    return _fields(secs + gmtoff, isdst, zone, gmtoff)


def _c_remainder(a, b):
    """C's % (truncating toward zero)."""
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def _tm(value, fname):
    """gettmarg: a 9-tuple (or struct_time) as C's struct tm fields, in a
    list [year-1900, mon-1, mday, hour, min, sec, wday (Sunday 0), yday-1,
    isdst, zone, gmtoff]."""
    if not isinstance(value, tuple):
        raise TypeError('Tuple or struct_time argument required')
    if len(value) != 9:
        raise TypeError('%s(): illegal time tuple argument' % fname)
    fields = []
    for item in value:
        if not hasattr(type(item), '__index__'):
            raise TypeError("'%s' object cannot be interpreted as an integer" % type(item).__name__)
        n = item.__index__()
        if not (-(1 << 63) <= n < (1 << 63)):
            raise OverflowError('Python int too large to convert to C long')
        if n > _INT_MAX:
            raise OverflowError('signed integer is greater than maximum')
        if n < _INT_MIN:
            raise OverflowError('signed integer is less than minimum')
        fields.append(n)
    year, mon, mday, hour, minute, sec, wday, yday, isdst = fields
    zone = gmtoff = None
    if isinstance(value, struct_time):
        zone, gmtoff = value.tm_zone, value.tm_gmtoff
    return [year - 1900, mon - 1, mday, hour, minute, sec,
            _c_remainder(wday + 1, 7), yday - 1, isdst, zone, gmtoff]


def _checktm(tm):
    """checktm: the ranges asctime and strftime accept (0 for the month, the
    day of month and the day of year meaning the first)."""
    if tm[1] == -1:
        tm[1] = 0
    elif not 0 <= tm[1] <= 11:
        raise ValueError('month out of range')
    if tm[2] == 0:
        tm[2] = 1
    elif not 0 <= tm[2] <= 31:
        raise ValueError('day of month out of range')
    if not 0 <= tm[3] <= 23:
        raise ValueError('hour out of range')
    if not 0 <= tm[4] <= 59:
        raise ValueError('minute out of range')
    if not 0 <= tm[5] <= 61:
        raise ValueError('seconds out of range')
    if tm[6] < 0:
        raise ValueError('day of week out of range')
    if tm[7] == -1:
        tm[7] = 0
    elif not 0 <= tm[7] <= 365:
        raise ValueError('day of year out of range')


def _mktime_tm(tm):
    """mktime of C's struct tm fields (fields out of range are carried, as
    C's mktime normalizes them); returns seconds since the epoch as an int."""
    year = tm[0] + 1900
    year_carry, month0 = divmod(tm[1], 12)
    local = (_days_from_civil(year + year_carry, month0 + 1, 1) + tm[2] - 1) * 86400 \
        + tm[3] * 3600 + tm[4] * 60 + tm[5]
    # The offset at the instant depends on the instant: settle it by two guesses.
    gmtoff, isdst, _ = _localtz(local)
    gmtoff, isdst, _ = _localtz(local - gmtoff)
    result = local - gmtoff
    # A DST flag that disagrees with the zone moves the time by an hour, as glibc does.
    if tm[8] > 0 and not isdst:
        result -= 3600
    elif tm[8] == 0 and isdst:
        result += 3600
    return result


def mktime(t, /):
    """Seconds since the epoch (a float) of a local time tuple."""
    return float(_mktime_tm(_tm(t, 'mktime')))


def _asctime_tm(tm):
    return '%s %s%3d %.2d:%.2d:%.2d %d' % (
        _DAY_NAMES[tm[6]], _MONTH_NAMES[tm[1]], tm[2], tm[3], tm[4], tm[5], 1900 + tm[0])


def asctime(t=None, /):
    """A time tuple (default: localtime()) as 'Sat Jun  6 16:26:11 1998'."""
    tm = _tm(localtime() if t is None else t, 'asctime')
    _checktm(tm)
    return _asctime_tm(tm)


def ctime(seconds=None, /):
    """asctime(localtime(seconds))."""
    return asctime(localtime(seconds))


# ---------------------------------------------------------------------------
# strftime
# ---------------------------------------------------------------------------

def _iso_week(tm):
    """(ISO year, ISO week) from C's year, yday and wday, as glibc computes them."""
    year = tm[0] + 1900
    iso_wday = (tm[6] + 6) % 7                  # Monday 0
    thursday = tm[7] - iso_wday + 3              # the yday of this week's Thursday
    if thursday < 0:
        year -= 1
        thursday += _days_in_year(year)
    elif thursday >= _days_in_year(year):
        thursday -= _days_in_year(year)
        year += 1
    return year, thursday // 7 + 1


def _pad(value, width, flag, fill='0'):
    text = str(abs(value))
    sign = '-' if value < 0 else ''
    if flag == '-':
        return sign + text
    if flag == '_':
        fill = ' '
    elif flag == '0':
        fill = '0'
    return (sign + text).rjust(width, fill) if fill == ' ' else sign + text.rjust(width - len(sign), fill)


def _directive(c, tm, flag):
    """One conversion of glibc's strftime in the C locale, or None when `c` is unknown."""
    year = tm[0] + 1900
    hour12 = tm[3] % 12 or 12
    if c == 'a':
        return _DAY_NAMES[tm[6] % 7]
    if c == 'A':
        return _FULL_DAY_NAMES[tm[6] % 7]
    if c in 'bh':
        return _MONTH_NAMES[tm[1]]
    if c == 'B':
        return _FULL_MONTH_NAMES[tm[1]]
    if c == 'c':
        return '%s %s %s %s %d' % (_DAY_NAMES[tm[6] % 7], _MONTH_NAMES[tm[1]], _pad(tm[2], 2, flag, ' '),
                                   _hms(tm), year)
    if c == 'C':
        # glibc pads the year-like conversions (%C, %Y, %G, %F's year) only when a flag asks.
        return str(year // 100) if flag is None else _pad(year // 100, 2, flag)
    if c == 'd':
        return _pad(tm[2], 2, flag)
    if c == 'D':
        return '%.2d/%.2d/%.2d' % (tm[1] + 1, tm[2], year % 100)
    if c == 'e':
        return _pad(tm[2], 2, flag, ' ')
    if c == 'F':
        return '%s-%.2d-%.2d' % (str(year) if flag is None else _pad(year, 4, flag), tm[1] + 1, tm[2])
    if c == 'G':
        return str(_iso_week(tm)[0]) if flag is None else _pad(_iso_week(tm)[0], 4, flag)
    if c == 'g':
        return _pad(_iso_week(tm)[0] % 100, 2, flag)
    if c == 'H':
        return _pad(tm[3], 2, flag)
    if c == 'I':
        return _pad(hour12, 2, flag)
    if c == 'j':
        return _pad(tm[7] + 1, 3, flag)
    if c == 'k':
        return _pad(tm[3], 2, flag, ' ')
    if c == 'l':
        return _pad(hour12, 2, flag, ' ')
    if c == 'm':
        return _pad(tm[1] + 1, 2, flag)
    if c == 'M':
        return _pad(tm[4], 2, flag)
    if c == 'n':
        return '\n'
    if c == 'p':
        return 'AM' if tm[3] < 12 else 'PM'
    if c == 'P':
        return 'am' if tm[3] < 12 else 'pm'
    if c == 'r':
        return '%.2d:%.2d:%.2d %s' % (hour12, tm[4], tm[5], 'AM' if tm[3] < 12 else 'PM')
    if c == 'R':
        return '%.2d:%.2d' % (tm[3], tm[4])
    if c == 's':
        return str(_mktime_tm(tm))
    if c == 'S':
        return _pad(tm[5], 2, flag)
    if c == 't':
        return '\t'
    if c == 'T':
        return _hms(tm)
    if c == 'u':
        return str((tm[6] + 6) % 7 + 1)
    if c == 'U':
        return _pad((tm[7] + 7 - tm[6]) // 7, 2, flag)
    if c == 'V':
        return _pad(_iso_week(tm)[1], 2, flag)
    if c == 'w':
        return str(tm[6])
    if c == 'W':
        return _pad((tm[7] + 7 - (tm[6] + 6) % 7) // 7, 2, flag)
    if c == 'x':
        return '%.2d/%.2d/%.2d' % (tm[1] + 1, tm[2], year % 100)
    if c == 'X':
        return _hms(tm)
    if c == 'y':
        return _pad(year % 100, 2, flag)
    if c == 'Y':
        return str(year) if flag is None else _pad(year, 1, flag)
    if c == 'z':
        if tm[8] < 0:
            return ''
        # A plain 9-tuple carries no offset: gettmarg leaves tm_gmtoff 0.
        gmtoff = tm[10] if tm[10] is not None else 0
        sign = '-' if gmtoff < 0 else '+'
        minutes = abs(gmtoff) // 60
        return '%s%.2d%.2d' % (sign, minutes // 60, minutes % 60)
    if c == 'Z':
        if tm[9] is not None:
            return tm[9]
        return tzname[1 if tm[8] > 0 else 0] if tm[8] >= 0 else ''
    if c == '%':
        return '%'
    return None


def _hms(tm):
    return '%.2d:%.2d:%.2d' % (tm[3], tm[4], tm[5])


def _format(fmt, tm):
    out = []
    i = 0
    n = len(fmt)
    while i < n:
        c = fmt[i]
        if c != '%':
            out.append(c)
            i += 1
            continue
        start = i
        i += 1
        flag = None
        while i < n and fmt[i] in '-_0^#':
            flag_char = fmt[i]
            if flag_char in '-_0':
                flag = flag_char
            i += 1
        upper = '^' in fmt[start:i] or '#' in fmt[start:i]
        width = ''
        while i < n and fmt[i].isdigit():
            width += fmt[i]
            i += 1
        while i < n and fmt[i] in 'EO':
            i += 1
        if i >= n:
            out.append(fmt[start:])
            break
        text = _directive(fmt[i], tm, flag)
        if text is None:
            out.append(fmt[start:i + 1])
        else:
            if upper:
                text = text.upper()
            if width and len(text) < int(width):
                fill = ' ' if flag == '_' or (flag is None and fmt[i] in 'aAbBhpPZcxXnt') else '0'
                if fill == '0' and text[:1] in '+-':
                    text = text[0] + text[1:].rjust(int(width) - 1, '0')
                else:
                    text = text.rjust(int(width), fill)
            out.append(text)
        i += 1
    return ''.join(out)


def strftime(format, t=None, /):
    """A time tuple (default: localtime()) formatted by the %-directives of
C's strftime: %Y %m %d %H %M %S %a %A %b %B %c %x %X %p %I %j %U %W %w
%y %z %Z %G %V %u %e %F %T and the rest of glibc's C locale."""
    if not isinstance(format, str):
        raise TypeError('strftime() argument 1 must be str, not %s' % type(format).__name__)
    tm = _tm(localtime() if t is None else t, 'strftime')
    _checktm(tm)
    if tm[8] < -1:
        tm[8] = -1
    elif tm[8] > 1:
        tm[8] = 1
    if '\0' in format:
        raise ValueError('embedded null character')
    return _format(format, tm)


# ---------------------------------------------------------------------------
# The local zone (init_timezone: January's and July's offsets this year)
# ---------------------------------------------------------------------------

def _init_timezone():
    year = gmtime().tm_year
    jan = _localtz(_days_from_civil(year, 1, 1) * 86400)
    jul = _localtz(_days_from_civil(year, 7, 1) * 86400)
    # Seconds west of UTC; the standard zone is the one with the smaller offset east.
    if jan[0] <= jul[0]:
        standard, summer = jan, jul
    else:
        standard, summer = jul, jan
    return -standard[0], -summer[0], int(jan[0] != jul[0]), (standard[2], summer[2])


timezone, altzone, daylight, tzname = _init_timezone()
del _init_timezone

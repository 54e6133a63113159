"""Measurement charts people can read: Dutch decimal commas, no exaggerated small changes, the normal range."""

import re
import uuid
from datetime import timedelta

from sqlalchemy import insert

from hub.core.timeutil import utcnow


def _weights(db, dossier_id, values, band=(None, None)):
    from hub.careprovider.models import Record
    now = utcnow()
    for n, value in enumerate(values):
        when = now - timedelta(days=10 * (len(values) - n))
        db.execute(insert(Record).values(
            id=uuid.uuid4(), dossier_id=dossier_id, kind='measurement', source_id=f'w{n}', source_type='Observation',
            origin=f'Observation/w{n}', content_hash=f'{n:064x}', raw={}, occurred_at=when, code='body_weight',
            data={'code': {'system': 'http://loinc.org', 'code': '29463-7'}, 'series': 'body_weight', 'value': value,
                  'unit': 'kg', 'components': [], 'occurred_at': when.isoformat(), 'range_low': band[0],
                  'range_high': band[1]}, created_at=now, updated_at=now))


def test_a_small_change_stays_small_values_have_commas_and_the_normal_range_shows(care_page, db):
    manager, circle_id, dossier_ids, _ = care_page
    _weights(db, dossier_ids[0], [70.1, 70.3, 70.2], band=(65, 75))
    page = manager.get(f'/circles/{circle_id}/measurements').get_data(as_text=True)
    assert '70,2' in page and '70,1' in page and '70.1' not in page  # the Dutch decimal comma
    assert 'normaal 65–75' in page and 'class="band"' in page
    heights = [float(y) for y in re.findall(r'cy="([\d.]+)"', page)]
    assert len(heights) == 3 and max(heights) - min(heights) < 15  # 0.2 kg of 70: a few pixels, not the chart
    assert page.count('tabindex="0"') == 3 and '70,3 kg</title>' in page  # each value on hover and focus


def test_a_real_change_uses_the_height(care_page, db):
    manager, circle_id, dossier_ids, _ = care_page
    _weights(db, dossier_ids[0], [60, 75, 90])
    page = manager.get(f'/circles/{circle_id}/measurements').get_data(as_text=True)
    heights = [float(y) for y in re.findall(r'cy="([\d.]+)"', page)]
    assert max(heights) - min(heights) > 120 and 'class="band"' not in page

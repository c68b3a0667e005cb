"""Decisions at the TPI become entries that are never changed (a change of decision is a new
entry with its reason), and a decision over a warning keeps the officer's statement."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('screening', '0006_stored_hits_by_reference'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='applicationdecision',
            name='contacted',
            field=models.CharField(blank=True, max_length=300, verbose_name='yang dihubungi sesuai instruksi'),
        ),
        migrations.AddField(
            model_name='applicationdecision',
            name='instruction_followed',
            field=models.BooleanField(default=False, verbose_name='instruksi hit telah dijalankan'),
        ),
        migrations.AddField(
            model_name='applicationdecision',
            name='override_reason',
            field=models.TextField(blank=True, verbose_name='alasan meneruskan meski ada peringatan'),
        ),
        migrations.AddField(
            model_name='applicationdecision',
            name='overrides_warning',
            field=models.BooleanField(db_index=True, default=False, verbose_name='diputuskan meski ada peringatan'),
        ),
        migrations.CreateModel(
            name='DepartureDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('overrides_warning', models.BooleanField(db_index=True, default=False, verbose_name='diputuskan meski ada peringatan')),
                ('override_reason', models.TextField(blank=True, verbose_name='alasan meneruskan meski ada peringatan')),
                ('instruction_followed', models.BooleanField(default=False, verbose_name='instruksi hit telah dijalankan')),
                ('contacted', models.CharField(blank=True, max_length=300, verbose_name='yang dihubungi sesuai instruksi')),
                ('outcome', models.CharField(choices=[('belum', 'Belum diputuskan'), ('izinkan', 'Diizinkan berangkat'), ('tunda', 'Keberangkatan ditunda'), ('serahkan_polisi', 'Diserahkan ke kepolisian')], max_length=20, verbose_name='keputusan')),
                ('note', models.TextField(blank=True, verbose_name='catatan')),
                ('change_reason', models.TextField(blank=True, verbose_name='alasan perubahan keputusan')),
                ('flight_number', models.CharField(blank=True, max_length=10, verbose_name='nomor penerbangan')),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='waktu keputusan')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='diputuskan oleh')),
                ('departure_check', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='screening.departurecheck')),
            ],
            options={
                'verbose_name': 'keputusan keberangkatan',
                'verbose_name_plural': 'keputusan keberangkatan',
                'ordering': ['-decided_at', '-pk'],
                'indexes': [models.Index(fields=['departure_check', 'decided_at'], name='departure_decision_idx')],
            },
        ),
    ]

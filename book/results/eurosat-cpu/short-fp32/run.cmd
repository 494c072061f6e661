python -m hwlib train eurosat --bn --dropout 0.05 --epochs 3 --limit 2700 --fp32 --device cpu --num-threads 1
